/**
 * ANSI colours for the text reports, the few the ladder and the table use.
 * The pure layers import no npm package, so that mod.ts can be imported from
 * anywhere on Deno and Bun without an import map; the CLI's own messages use
 * picocolors. Codes and nesting follow picocolors (a close code inside the
 * text re-opens the outer style), so the output is the same byte for byte.
 * @module
 */

/** One style: wraps text in its codes, or returns it unchanged when colour is off. */
export type Style = (text: string | number) => string;

/** The styles the reports use. */
export interface Colors {
  bold: Style;
  dim: Style;
  red: Style;
  green: Style;
  yellow: Style;
  magenta: Style;
  cyan: Style;
}

function style(open: string, close: string, replace = open): Style {
  return (input) => {
    const text = String(input);
    const at = text.indexOf(close, open.length);
    return at === -1 ? open + text + close : open + text.replaceAll(close, replace) + close;
  };
}

const plain: Style = (text) => String(text);

/**
 * The styles, coloured or plain.
 *
 * @example
 * ```ts
 * createColors(true).red("RST");  // "\x1b[31mRST\x1b[39m"
 * createColors(false).red("RST"); // "RST"
 * ```
 */
export function createColors(enabled: boolean): Colors {
  if (!enabled) {
    return {
      bold: plain,
      dim: plain,
      red: plain,
      green: plain,
      yellow: plain,
      magenta: plain,
      cyan: plain,
    };
  }
  return {
    bold: style("\x1b[1m", "\x1b[22m", "\x1b[22m\x1b[1m"),
    dim: style("\x1b[2m", "\x1b[22m", "\x1b[22m\x1b[2m"),
    red: style("\x1b[31m", "\x1b[39m"),
    green: style("\x1b[32m", "\x1b[39m"),
    yellow: style("\x1b[33m", "\x1b[39m"),
    magenta: style("\x1b[35m", "\x1b[39m"),
    cyan: style("\x1b[36m", "\x1b[39m"),
  };
}
