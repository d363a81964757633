import { writeSync } from "node:fs";

// The child's side of the message channel: one JSON value per line on fd 3, written synchronously,
// so a message is in the host's pipe before the next line of user code runs — a later kill, fatal
// error or endless loop cannot lose it.

const CHANNEL_FD = 3;
const wait = new Int32Array(new SharedArrayBuffer(4));
/** the real exit: the worker replaces process.exit for the user's code */
export const exitProcess: (code?: number) => never = process.exit.bind(process);

export function post(message: unknown): void {
  const data = Buffer.from(JSON.stringify(message) + "\n", "utf8");
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(CHANNEL_FD, data, offset, data.length - offset);
    } catch (e) {
      // a full non-blocking pipe: wait for the host to read; anything else means the host is gone
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") exitProcess(70);
      Atomics.wait(wait, 0, 0, 1);
    }
  }
}
