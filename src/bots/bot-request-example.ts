/**
 * @module bots/bot-request-example
 * The example request of the original API's OpenAPI document (Meeting-BaaS/speaking-meeting-bot,
 * July 2026), shown in ours unchanged: a client written for that API sends exactly this.
 */
export const ORIGINAL_BOT_REQUEST_EXAMPLE = {
  meeting_url: "https://meet.google.com/abc-defg-hij",
  bot_name: "Meeting Assistant",
  personas: ["helpful_assistant", "meeting_facilitator"],
  bot_image: "https://example.com/bot-avatar.png",
  entry_message: "Hello! I'm here to assist with the meeting.",
  enable_tools: true,
  extra: { company: "ACME Corp", meeting_purpose: "Weekly sync" },
  websocket_url: "wss://bots.example.com",
  prompt_data_token_limit: 3000,
  llm_provider: "anthropic",
  llm_model: "claude-opus-4-8",
  mcp_profile: "professional",
  mcp_profile_tool_access: "read_only",
  prompt_data_sources: [{ name: "CRM account notes", type: "url", url: "https://example.com/account-notes.md" }],
  speech_speed: 1.15,
  mcp: {
    servers: [
      {
        name: "crm",
        url: "https://mcp.example.com",
        transport: "streamable_http",
        tools: ["get_account", "list_recent_calls"],
        tool_allowlist: ["get_account", "list_recent_calls"],
      },
    ],
  },
  prompt:
    "You are Meeting Assistant, a concise and professional AI bot that helps summarize key points and keep the meeting on track. Speak clearly and stay on topic.",
} as const;
