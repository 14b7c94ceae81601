//! Opening a spreadsheet export for import: the encoding (UTF-8, with or without a BOM, or
//! Windows-1252, which Excel writes in Spanish-speaking countries and which covers Latin-1),
//! the delimiter (`,`, `;` as Excel writes it where the decimal mark is a comma, or a tab),
//! and a byte counter for progress. Everything streams: a file of any size is read in
//! constant memory.
use encoding_rs_io::DecodeReaderBytesBuilder;
use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// How much of the input to look at to choose the encoding and delimiter.
const SNIFF: usize = 64 * 1024;

/// Counts the bytes read through it (the progress of an import).
pub struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Turns CRLF line ends into LF. The csv crate counts lines one short in CRLF files (Excel's),
/// and a rejected row must be reported at the line the person sees in their editor.
struct StripCr<R> {
    inner: R,
    /// A '\r' that ended the previous chunk, not yet known to precede a '\n'.
    pending_cr: bool,
}

impl<R: Read> Read for StripCr<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.len() < 2 {
            return self.inner.read(buf);
        }
        loop {
            let start = usize::from(self.pending_cr);
            if self.pending_cr {
                buf[0] = b'\r';
            }
            let n = self.inner.read(&mut buf[start..])?;
            if n == 0 {
                self.pending_cr = false;
                return Ok(start);
            }
            let end = start + n;
            let mut w = 0;
            for r in 0..end {
                let b = buf[r];
                if b == b'\r' && r + 1 < end && buf[r + 1] == b'\n' {
                    continue;
                }
                buf[w] = b;
                w += 1;
            }
            // A final '\r' may belong to a CRLF split across reads: keep it back.
            self.pending_cr = w > 0 && buf[w - 1] == b'\r';
            if self.pending_cr {
                w -= 1;
            }
            if w > 0 {
                return Ok(w);
            }
        }
    }
}

/// A CSV ready to read, with what was detected about it.
pub struct CsvSource {
    pub reader: csv::Reader<Box<dyn Read + Send>>,
    pub headers: Vec<String>,
    /// `UTF-8` or `windows-1252`.
    pub encoding: &'static str,
    pub delimiter: u8,
    /// Bytes consumed so far (of the raw input).
    pub bytes_read: Arc<AtomicU64>,
}

/// Whether `sample` is UTF-8, allowing a character cut at its end.
fn is_utf8(sample: &[u8]) -> bool {
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && sample.len() - e.valid_up_to() < 4,
    }
}

/// The delimiter of the header line: the most frequent of `,`, `;` and tab outside quotes.
fn delimiter(first_line: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in first_line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// Why a file cannot be read as CSV.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("the file is empty")]
    Empty,
    #[error("line 1 (the header): {0}")]
    Header(String),
}

/// Opens `input` for import.
pub fn open(input: impl Read + Send + 'static) -> Result<CsvSource, OpenError> {
    let bytes_read = Arc::new(AtomicU64::new(0));
    let counting = Counting {
        inner: input,
        read: bytes_read.clone(),
    };
    let mut buffered = BufReader::with_capacity(SNIFF, counting);
    let sample = buffered.fill_buf()?.to_vec();
    if sample.is_empty() {
        return Err(OpenError::Empty);
    }
    let utf8 = is_utf8(&sample);
    let encoding = if utf8 {
        encoding_rs::UTF_8
    } else {
        encoding_rs::WINDOWS_1252
    };
    let (text, _, _) = encoding.decode(&sample);
    let first_line = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or("");
    let delimiter = delimiter(first_line);
    // The BOM, if any, is removed by the decoder.
    let decoded = DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .bom_override(true)
        .build(buffered);
    let boxed: Box<dyn Read + Send> = Box::new(StripCr {
        inner: decoded,
        pending_cr: false,
    });
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(boxed);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| OpenError::Header(e.to_string()))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(OpenError::Header("no column names".into()));
    }
    Ok(CsvSource {
        reader,
        headers,
        encoding: encoding.name(),
        delimiter,
        bytes_read,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(src: &mut CsvSource) -> Vec<Vec<String>> {
        src.reader
            .records()
            .map(|r| r.expect("row").iter().map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn windows_1252_with_semicolons_reads_as_excel_wrote_it() {
        // "Nombre;Población\r\nJosé;Cádiz" in Windows-1252.
        let bytes = b"Nombre;Poblaci\xf3n\r\nJos\xe9;C\xe1diz\r\n".to_vec();
        let mut src = open(std::io::Cursor::new(bytes)).expect("open");
        assert_eq!(src.encoding, "windows-1252");
        assert_eq!(src.delimiter, b';');
        assert_eq!(src.headers, vec!["Nombre", "Población"]);
        assert_eq!(rows(&mut src), vec![vec!["José", "Cádiz"]]);
    }

    #[test]
    fn utf8_with_a_bom_and_quoted_commas() {
        let bytes = "\u{feff}name,notes\n\"Núñez, Ana\",\"dice \"\"hola\"\"\"\n"
            .as_bytes()
            .to_vec();
        let mut src = open(std::io::Cursor::new(bytes)).expect("open");
        assert_eq!(src.encoding, "UTF-8");
        assert_eq!(src.headers, vec!["name", "notes"]);
        assert_eq!(rows(&mut src), vec![vec!["Núñez, Ana", "dice \"hola\""]]);
        assert!(src.bytes_read.load(Ordering::Relaxed) > 0);
    }

    #[test]
    fn rows_of_a_crlf_file_are_numbered_as_an_editor_shows_them() {
        let bytes = b"a,b\r\n1,\"two\r\nlines\"\r\n3,4\r\n".to_vec();
        let mut src = open(std::io::Cursor::new(bytes)).expect("open");
        let lines: Vec<u64> = src
            .reader
            .records()
            .map(|r| r.expect("row").position().map_or(0, |p| p.line()))
            .collect();
        assert_eq!(lines, vec![2, 4]);
    }

    #[test]
    fn an_empty_file_is_an_error() {
        assert!(matches!(
            open(std::io::Cursor::new(Vec::new())),
            Err(OpenError::Empty)
        ));
    }
}
