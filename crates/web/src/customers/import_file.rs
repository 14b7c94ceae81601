//! Uploaded CSV files on their way into an import: streamed to a temporary file (never held
//! in memory, whatever their size), opened with the import reader, previewed, and deleted when
//! no longer needed.
use axum::body::Bytes;
use std::fmt::Display;
use std::path::PathBuf;
use tokio::io::AsyncWriteExt;
use tokio_stream::{Stream, StreamExt};
use vinculo_app::imports::reader::{self, CsvSource};

/// The largest file accepted (an export of a few million contacts).
pub const MAX_UPLOAD: u64 = 512 << 20;

/// A temporary copy of an upload, removed when dropped. Its name is a fresh UUID: the
/// client's file name never reaches a path.
#[derive(Debug)]
pub struct TempCsv {
    pub path: PathBuf,
    pub size: u64,
}

impl Drop for TempCsv {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Why an upload could not be kept.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("the file is larger than {} MiB", MAX_UPLOAD >> 20)]
    TooLarge,
    #[error("the upload was interrupted: {0}")]
    Body(String),
    #[error("cannot store the upload: {0}")]
    Io(#[from] std::io::Error),
}

/// Writes `body` to `<temp dir>/vinculo-imports/<uuid>.csv`.
pub async fn save<S, E>(mut body: S) -> Result<TempCsv, SaveError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Display,
{
    let dir = std::env::temp_dir().join("vinculo-imports");
    tokio::fs::create_dir_all(&dir).await?;
    let mut temp = TempCsv {
        path: dir.join(format!("{}.csv", uuid::Uuid::new_v4())),
        size: 0,
    };
    let file = tokio::fs::File::create(&temp.path).await?;
    let mut out = tokio::io::BufWriter::with_capacity(256 << 10, file);
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| SaveError::Body(e.to_string()))?;
        temp.size += chunk.len() as u64;
        if temp.size > MAX_UPLOAD {
            return Err(SaveError::TooLarge);
        }
        out.write_all(&chunk).await?;
    }
    out.flush().await?;
    Ok(temp)
}

/// Opens a stored upload for reading (off the async threads: detection reads 64 KiB).
pub async fn open(path: PathBuf) -> Result<CsvSource, String> {
    tokio::task::spawn_blocking(move || {
        let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
        reader::open(f).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Whether a stored upload is a vCard file (a contacts export) rather than CSV.
pub async fn is_vcard(path: &std::path::Path) -> bool {
    use tokio::io::AsyncReadExt;
    let mut head = vec![0u8; 512];
    let Ok(mut f) = tokio::fs::File::open(path).await else {
        return false;
    };
    let n = f.read(&mut head).await.unwrap_or(0);
    vinculo_app::imports::is_vcard(&head[..n])
}

/// What the mapping step shows of a file.
pub struct Preview {
    pub headers: Vec<String>,
    pub encoding: &'static str,
    pub delimiter: u8,
    /// Per column, its first non-empty rows' values.
    pub samples: Vec<Vec<String>>,
}

/// Rows shown per column in the mapping step.
const SAMPLE_ROWS: usize = 5;

/// Reads the header and the first rows of a stored upload.
pub async fn preview(path: PathBuf) -> Result<Preview, String> {
    let mut src = open(path).await?;
    tokio::task::spawn_blocking(move || {
        let mut samples = vec![Vec::new(); src.headers.len()];
        let mut record = csv::StringRecord::new();
        let mut rows = 0;
        while rows < SAMPLE_ROWS && matches!(src.reader.read_record(&mut record), Ok(true)) {
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            rows += 1;
            for (i, col) in samples.iter_mut().enumerate() {
                col.push(record.get(i).unwrap_or_default().trim().to_owned());
            }
        }
        Preview {
            headers: src.headers,
            encoding: src.encoding,
            delimiter: src.delimiter,
            samples,
        }
    })
    .await
    .map_err(|e| e.to_string())
}

/// A value for a CSV cell that a spreadsheet will not run as a formula.
pub fn csv_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}
