import type { Reason } from "./spec.js";

// Text that must not reach a snapshot, and from there the API and the web page (docs/hardening.md): bytes that were not
// UTF-8 (decoded as U+FFFD), control characters (NUL and the rest of C0 except tab, newline and carriage return;
// DEL), and the bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) that make a name display as
// something else ("Trojan Source"). Decision: such a row is quarantined with the field and the reason, never
// repaired: a guessed repair would invent a name, and the quarantine keeps the row for someone to look at.
// Only the columns the dataset reads are checked, so junk in a column that is dropped costs no row.
// C1 controls (U+0080–U+009F) are kept as they are: in the city's own export they are the remains of text encoded
// twice (a closing curly quote as "â€\u009d" in 26 violation descriptions of the 5,000-row sample), invisible and
// harmless, and refusing them would drop real inspections.

/** Any character of the classes above. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's job
export const SUSPECT_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069\ufffd]/;

function reasonOf(ch: number): Reason {
  if (ch === 0xfffd) return "invalid_utf8";
  if ((ch >= 0x202a && ch <= 0x202e) || (ch >= 0x2066 && ch <= 0x2069)) return "bidi_control";
  return "control_character";
}

export type TextCheck = (cells: readonly string[]) => { field: string; reason: Reason } | null;

/** A check of the cells the dataset reads (`columns`, normalized names) in rows laid out as `header`. */
export function textCheck(header: readonly string[], columns: readonly string[]): TextCheck {
  const used = header.map((h, i) => [h, i] as const).filter(([h]) => columns.includes(h));
  return (cells) => {
    for (const [name, i] of used) {
      const v = cells[i];
      if (v === undefined) continue;
      const m = SUSPECT_TEXT.exec(v);
      if (m) return { field: name, reason: reasonOf(m[0].charCodeAt(0)) };
    }
    return null;
  };
}
