/** Reading values users typed into an editor (n8n parameters, Node-RED settings): one spelling for both faces. */

/** The value as a trimmed string; empty for undefined and null. */
export function trimmed(value: unknown): string {
  return value === undefined || value === null ? '' : String(value).trim();
}
