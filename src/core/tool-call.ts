/**
 * @module core/tool-call
 * A function call the language model asked for.
 */
export interface ToolCall {
  id: string;
  name: string;
  /** The JSON text of the arguments, exactly as the model produced it. */
  arguments: string;
}
