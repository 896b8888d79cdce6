//! Offer files: the CSV and JSON shapes in which providers import and export offers.
//!
//! Both carry what `createOffer` takes, so a file exported here imports unchanged. Reading a
//! file never touches offers: it turns each row into a draft (or the row's problems), and
//! the import service decides what to write. Problems with the file as a whole (too large,
//! not UTF-8, missing columns, not a JSON array) are refused before any row is read.

pub mod csv_file;
pub mod formula;
pub mod json_file;
pub mod region_codes;

use std::borrow::Cow;

use crate::error::{ApiError, ApiResult, FieldError};

pub use crate::service::offer::files::{FieldNaming, FileOffer, FileRow};
pub use json_file::RecordShape;
pub use region_codes::RegionCodes;

/// The shape of an offer file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One row per offer; see [`csv_file`] for the columns.
    Csv,
    /// An array of `createOffer` inputs.
    Json,
}

/// How large a file may be.
#[derive(Debug, Clone, Copy)]
pub struct FileLimits {
    pub max_bytes: usize,
    pub max_rows: usize,
}

/// How a file names a draft's fields: JSON uses the draft's own paths, CSV its columns.
#[derive(Debug, Clone)]
pub enum FieldNames {
    Json,
    Csv {
        /// The locale of each translation, in the draft's order.
        locales: Vec<String>,
        /// The column number of each location and schedule, in the draft's order.
        locations: Vec<usize>,
        schedules: Vec<usize>,
    },
}

impl FieldNaming for FieldNames {
    fn name(&self, path: &str) -> String {
        match self {
            Self::Json => path.to_owned(),
            Self::Csv {
                locales,
                locations,
                schedules,
            } => csv_file::column_for(path, locales, locations, schedules),
        }
    }
}

/// Reads a file of offers; JSON records in the given `shape`.
pub fn read(
    format: Format,
    bytes: &[u8],
    regions: &RegionCodes,
    shape: &dyn RecordShape,
    limits: FileLimits,
) -> ApiResult<Vec<FileRow>> {
    let text = text_of(bytes, limits.max_bytes)?;
    let rows = match format {
        Format::Csv => csv_file::read(&text, regions)?,
        Format::Json => json_file::read(&text, shape)?,
    };
    if rows.len() > limits.max_rows {
        return Err(file_error(format!(
            "the file holds {} offers; one import takes at most {} (IMPORT_MAX_ROWS): split it",
            rows.len(),
            limits.max_rows
        )));
    }
    Ok(rows)
}

/// Writes offers into a file; JSON records in the given `shape`. `with_provider` names the
/// provider in every row, for files that span providers.
pub fn write(
    format: Format,
    offers: &[FileOffer],
    regions: &RegionCodes,
    shape: &dyn RecordShape,
    with_provider: bool,
) -> ApiResult<String> {
    match format {
        Format::Csv => csv_file::write(offers, regions, with_provider),
        Format::Json => json_file::write(offers, with_provider, shape),
    }
}

/// The file as text: at most `max_bytes`, UTF-8 (a byte-order mark is dropped), not text
/// that was decoded with the wrong encoding before it reached us, and in NFC.
fn text_of(bytes: &[u8], max_bytes: usize) -> ApiResult<Cow<'_, str>> {
    if bytes.len() > max_bytes {
        return Err(file_error(format!(
            "the file is {:.1} MB; an import takes at most {:.1} MB (IMPORT_MAX_BYTES): split it",
            megabytes(bytes.len()),
            megabytes(max_bytes)
        )));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|err| {
        file_error(format!(
            "the file is not UTF-8 text (at byte {}); save it as UTF-8 (in Excel: \"CSV UTF-8\")",
            err.valid_up_to()
        ))
    })?;
    // A replacement character means a client read a Latin-1 or Windows-1252 file as UTF-8
    // and lost the umlauts on the way; importing it would store the damage.
    if let Some(at) = text.find('\u{FFFD}') {
        let line = text[..at].matches('\n').count() + 1;
        return Err(file_error(format!(
            "line {line} holds the replacement character �: the file was not read as UTF-8; \
             save it as UTF-8 (in Excel: \"CSV UTF-8\") and send it again"
        )));
    }
    if let Some((line, garbled, meant)) = double_encoded(text) {
        return Err(file_error(format!(
            "line {line} holds `{garbled}`, which is `{meant}` read with the wrong encoding: the \
             file was saved after being opened as Windows-1252; open it as UTF-8, fix the \
             texts and send it again"
        )));
    }
    if text.trim().is_empty() {
        return Err(file_error("the file is empty"));
    }
    Ok(crate::nfc::nfc(text))
}

/// The first word that is UTF-8 text decoded as Windows-1252 and encoded again ("mojibake":
/// `fÃ¼r` for `für`), with its line and what it was meant to say. Such a word maps back to
/// Windows-1252 bytes that form valid UTF-8 with characters beyond ASCII; ordinary words
/// practically never do (`São`, `Ça`, `Ärger` do not).
fn double_encoded(text: &str) -> Option<(usize, &str, String)> {
    text.lines().enumerate().find_map(|(index, line)| {
        line.split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '"')
            .filter(|word| !word.is_ascii())
            .find_map(|word| {
                let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(word);
                if unmappable {
                    return None;
                }
                let meant = std::str::from_utf8(&bytes).ok()?;
                (!meant.is_ascii() && meant != word).then(|| (index + 1, word, meant.to_owned()))
            })
    })
}

fn megabytes(bytes: usize) -> f64 {
    bytes as f64 / 1_000_000.0
}

/// A problem with the file as a whole.
pub(crate) fn file_error(message: impl Into<String>) -> ApiError {
    ApiError::invalid_fields(vec![FieldError::new("data", message)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_large_files_and_other_encodings() {
        let too_big = text_of(&[b'a'; 2048], 1024).unwrap_err().to_string();
        assert!(too_big.contains("IMPORT_MAX_BYTES"), "{too_big}");
        let latin1 = text_of(b"title\nZ\xfcrich\n", 1024)
            .unwrap_err()
            .to_string();
        assert!(latin1.contains("not UTF-8"), "{latin1}");
        let mangled = text_of("title\nZ\u{FFFD}rich\n".as_bytes(), 1024)
            .unwrap_err()
            .to_string();
        assert!(mangled.contains("line 2"), "{mangled}");
        assert_eq!(
            text_of(b"\xEF\xBB\xBFtitle\n", 1024).unwrap(),
            "title\n",
            "a byte-order mark is dropped"
        );
        assert!(text_of(b" \n", 1024).is_err());
        let garbled = text_of("title\nDeutschkurs fÃ¼r MÃ¼tter\n".as_bytes(), 1024)
            .unwrap_err()
            .to_string();
        assert!(
            garbled.contains("line 2") && garbled.contains("für"),
            "{garbled}"
        );
        for fine in [
            "São Paulo",
            "Ça va",
            "Ärger, Öl; Übung",
            "Café Zürich – Treffpunkt",
            "ትምህርቲ",
            "دورة",
        ] {
            assert!(text_of(fine.as_bytes(), 1024).is_ok(), "{fine}");
        }
    }
}
