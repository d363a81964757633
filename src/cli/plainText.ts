// Text that reaches a terminal must not drive it: a parameter name, an error message or a console line
// from the checked file could otherwise clear the screen, set the window title, forge a hyperlink or
// reorder what is shown (bidirectional overrides). Escape sequences go whole; other control
// characters go too.

const ESCAPE_SEQUENCE = new RegExp(
  [
    "\\u001b\\[[0-?]*[ -/]*[@-~]", // CSI: colours, cursor moves, erase
    "\\u001b\\][^\\u0007\\u001b]*(?:\\u0007|\\u001b\\\\)?", // OSC: title, hyperlinks (to BEL or ST)
    "\\u001b[PX^_][^\\u001b]*(?:\\u001b\\\\)?", // DCS, SOS, PM, APC strings
    "\\u001b[ -/]*[0-~]?", // any other escape
    "\\u009b[0-?]*[ -/]*[@-~]", // 8-bit CSI
  ].join("|"),
  "g",
);
/** C0 controls but tab and newline, DEL, C1 controls, bidirectional embeddings, overrides and isolates. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Removes terminal control sequences; keeps newlines and tabs. */
export function stripControl(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, "").replace(CONTROL, "");
}

/** For one cell or one line of output: also folds newlines and tabs into spaces. */
export function oneLine(text: string): string {
  return stripControl(text).replace(/[\t\n]+/g, " ");
}
