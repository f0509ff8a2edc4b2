/**
 * @module core/speaker
 * A meeting participant as the meeting provider reports them, with whether they are talking now.
 */
export interface Speaker {
  name: string;
  id: number | null;
  isSpeaking: boolean;
  /** Milliseconds since the epoch, normalised from whatever unit the meeting sent. */
  timestamp: number;
  /** The meeting says this participant is a bot (the built-in rooms know); absent when it does not say. */
  isBot?: boolean;
}
