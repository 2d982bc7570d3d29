import { createInterface } from 'node:readline/promises';
import { StringDecoder } from 'node:string_decoder';
import { UsageError } from './failure.js';
import type { Prompter } from './io.js';

/** The terminal's input as the prompter needs it (process.stdin when it is a TTY). */
export interface TerminalInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
}

const cancelled = () => new UsageError('cancelled: nothing was sent');

/**
 * Asks on a terminal: questions are written to `output` (stderr, so stdout stays clean for pipes) and answers read
 * from `input`. Secrets are read in raw mode and never echoed.
 */
export function terminalPrompter(input: TerminalInput, output: NodeJS.WritableStream): Prompter {
  return {
    async ask(question) {
      const rl = createInterface({ input, output, terminal: true });
      const abort = new AbortController();
      rl.on('SIGINT', () => abort.abort());
      rl.on('close', () => abort.abort());
      try {
        return (await rl.question(question, { signal: abort.signal })).trim();
      } catch (err) {
        if (abort.signal.aborted) {
          output.write('\n');
          throw cancelled();
        }
        throw err;
      } finally {
        rl.close();
      }
    },
    askSecret: (question) => readHidden(input, output, question),
  };
}

/** Reads one line in raw mode without echo: Enter ends it, Backspace and Ctrl-U edit it, Ctrl-C cancels. */
function readHidden(input: TerminalInput, output: NodeJS.WritableStream, question: string): Promise<string> {
  if (!input.setRawMode) return Promise.reject(new UsageError('cannot turn off echo on this input; use --password-stdin'));
  const setRaw = input.setRawMode.bind(input);
  return new Promise((resolve, reject) => {
    const wasRaw = input.isRaw ?? false;
    const decoder = new StringDecoder('utf8');
    let chars: string[] = [];
    const finish = (err?: Error) => {
      input.removeListener('data', onData);
      setRaw(wasRaw);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(chars.join(''));
    };
    const onData = (chunk: Buffer | string) => {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      // Arrow keys and the like arrive as escape sequences; they are not part of a password.
      if (text.startsWith('\u001b')) return;
      for (const ch of text) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003') return finish(cancelled());
        if (ch === '\u0004') return chars.length === 0 ? finish(cancelled()) : finish();
        if (ch === '\u007f' || ch === '\b') chars = chars.slice(0, -1);
        else if (ch === '\u0015') chars = [];
        else if (ch >= ' ') chars.push(ch);
      }
    };
    output.write(question);
    setRaw(true);
    input.on('data', onData);
    input.resume();
  });
}
