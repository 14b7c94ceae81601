//! Plain text out of a body: the HTML rendered as text when a message has no text/plain part,
//! and one spelling of line ends.
use html2text::render::TextDecorator;

/// Wide enough that a paragraph is never wrapped: the text is for reading in a browser and for
/// finding an attribution line ("El … escribió:"), which a wrap would cut in two.
const WIDTH: usize = 1_000;

/// The HTML as plain text: block elements on their own lines, `<blockquote>` as `> ` lines (so
/// the reply split finds the quoted history), tables read cell by cell, links as their text.
/// Mail-parser's own conversion breaks lines only at `<br>` and `<p>`, and Gmail and Outlook
/// write `<div>`s.
pub(crate) fn html_to_text(html: &str) -> String {
    let rendered = html2text::config::with_decorator(MailText)
        .raw_mode(true)
        .link_footnotes(false)
        .allow_width_overflow()
        .string_from_read(html.as_bytes(), WIDTH);
    match rendered {
        Ok(text) => tidy(&text),
        // html2text fails only on a width too narrow for the content; the tags stripped
        // are still better than nothing.
        Err(_) => tidy(&ammonia::Builder::empty().clean(html).to_string()),
    }
}

/// html2text's plain decorator less its markdown-like marks (`[link]`, `*em*`, `# heading`):
/// only what a mail reader shows as text, with `> ` quotes and list bullets kept.
#[derive(Clone, Copy, Debug)]
struct MailText;

impl TextDecorator for MailText {
    type Annotation = ();

    fn decorate_link_start(&mut self, _url: &str) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_link_end(&mut self) -> String {
        String::new()
    }
    fn decorate_em_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_em_end(&self) -> String {
        String::new()
    }
    fn decorate_strong_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_strong_end(&self) -> String {
        String::new()
    }
    fn decorate_strikeout_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_strikeout_end(&self) -> String {
        String::new()
    }
    fn decorate_code_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_code_end(&self) -> String {
        String::new()
    }
    fn decorate_preformat_first(&self) {}
    fn decorate_preformat_cont(&self) {}
    /// `[logo]` for an image with a name, nothing for a spacer or a pixel.
    fn decorate_image(&mut self, _src: &str, title: &str) -> (String, ()) {
        let title = title.trim();
        let shown = if title.is_empty() {
            String::new()
        } else {
            format!("[{title}]")
        };
        (shown, ())
    }
    fn header_prefix(&self, _level: usize) -> String {
        String::new()
    }
    fn quote_prefix(&self) -> String {
        "> ".into()
    }
    fn unordered_item_prefix(&self) -> String {
        "* ".into()
    }
    fn ordered_item_prefix(&self, i: i64) -> String {
        format!("{i}. ")
    }
    fn make_subblock_decorator(&self) -> Self {
        MailText
    }
}

/// `\r\n` and lone `\r` as `\n`, spaces at line ends dropped except in the signature
/// delimiter `-- `, no blank lines at the start or the end.
pub(crate) fn tidy(text: &str) -> String {
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(unified.len());
    for line in unified.split('\n') {
        if line == "-- " {
            out.push_str(line);
        } else {
            out.push_str(line.trim_end());
        }
        out.push('\n');
    }
    out.trim_matches('\n').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divs_and_blockquotes_become_lines_and_quotes() {
        let text = html_to_text(
            "<div>Hola Ana,</div><div>gracias.</div><div class=\"gmail_quote\">\
             <div>El lun, 3 nov 2026 a las 10:00, Ana &lt;ana@x.es&gt; escribió:</div>\
             <blockquote>¿Llegó el pedido?</blockquote></div>",
        );
        assert_eq!(
            text,
            "Hola Ana,\ngracias.\nEl lun, 3 nov 2026 a las 10:00, Ana <ana@x.es> escribió:\n\n> ¿Llegó el pedido?"
        );
    }

    #[test]
    fn line_ends_are_unified_and_the_signature_delimiter_keeps_its_space() {
        assert_eq!(
            tidy("\r\nuno  \r\ndos\r-- \r\nfirma\n\n"),
            "uno\ndos\n-- \nfirma"
        );
    }
}
