//! Messages are one line of plain text, whatever the user wrote.
//!
//! Errors and warnings quote user text: host names, keys, CSV cells, `--set` values, file
//! names. Quoted raw, a newline would split the message over two lines (breaking scripts that
//! read one line per error), an ESC sequence would reach the terminal, and a 100,000-character
//! key would make a 200 kB line. [`one_line`] shows control and invisible formatting characters
//! as escapes (`\n`, `\t`, `\x1b`, `\u{202e}`), shortens any run of more than
//! [`LONGEST_WORD`] characters without a space, and caps the whole message at
//! [`LONGEST_MESSAGE`] characters. Backslashes are left alone, so a message that is already
//! one line comes back unchanged (the function is idempotent).

/// Longest run of non-space characters kept whole; longer runs keep their start.
pub const LONGEST_WORD: usize = 80;
/// Characters of a shortened run that are kept.
const KEPT_OF_WORD: usize = 60;
/// Longest message, in characters.
pub const LONGEST_MESSAGE: usize = 1_000;

/// `text` as one printable line (see the module documentation).
pub fn one_line(text: &str) -> String {
    let escaped = escape(text);
    let shortened = shorten_words(&escaped);
    cap(&shortened)
}

/// True for characters shown as escapes: controls (C0, DEL, C1) and the invisible formatting
/// characters that reorder or hide text (bidirectional overrides, zero-width marks).
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        || c == '\u{feff}'
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_hidden(c) && (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_hidden(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Shortens each run of more than [`LONGEST_WORD`] non-space characters to its start and its
/// length, e.g. `aaaa…(100000 characters)`.
fn shorten_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4 * LONGEST_MESSAGE));
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let n = word.chars().count();
        if n > LONGEST_WORD {
            out.extend(word.chars().take(KEPT_OF_WORD));
            out.push_str(&format!("…({n} characters)"));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_whitespace() {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn cap(text: &str) -> String {
    if text.chars().count() <= LONGEST_MESSAGE {
        return text.to_string();
    }
    let mut out: String = text.chars().take(LONGEST_MESSAGE - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_escapes() {
        assert_eq!(one_line("host \"sh-0\n\""), "host \"sh-0\\n\"");
        assert_eq!(one_line("a\x1b[31mred\r\t"), "a\\x1b[31mred\\r\\t");
        assert_eq!(one_line("x\u{202e}y\u{85}"), "x\\u{202e}y\\u{85}");
        assert_eq!(one_line("plain C:\\dir é"), "plain C:\\dir é");
    }

    #[test]
    fn long_words_and_messages_are_shortened() {
        let key = "k".repeat(100_000);
        let msg = one_line(&format!("unknown field `{key}`, expected one of `name`"));
        assert!(msg.len() < 200, "{msg}");
        assert!(msg.contains("(100003 characters)") && msg.ends_with("expected one of `name`"));
        let many = "ab ".repeat(10_000);
        assert_eq!(one_line(&many).chars().count(), LONGEST_MESSAGE);
    }

    #[test]
    fn one_line_is_idempotent() {
        for text in ["a\nb", &"x".repeat(500), &"a\x1bb ".repeat(600), "ok"] {
            let once = one_line(text);
            assert_eq!(one_line(&once), once);
            assert!(!once.contains('\n'));
        }
    }
}
