//! Files sent with a message on a complaint: which are accepted, how they are named, and who may
//! open them. Pure rules; the page checks what it can before sending (count, size), the server
//! checks everything again when the files arrive, by their content.

use serde::{Deserialize, Serialize};

/// At most this many files go with one message.
pub const MAX_FILES: usize = 3;
/// Each file is at most 5 MB.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// What a file picker offers (the browser's hint only: the server decides by the content).
pub const ACCEPT: &str = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf";
/// A stored file's name is cut to this many characters.
const NAME_MAX: usize = 100;

/// A kind of file the bank accepts, decided by its first bytes (its "magic number"), never by
/// its name or the type the browser declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileKind {
    Jpeg,
    Png,
    Pdf,
}

impl FileKind {
    pub fn of(content: &[u8]) -> Option<FileKind> {
        if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if content.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(FileKind::Png)
        } else if content.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Pdf => "application/pdf",
        }
    }
}

/// Why a file was refused; the page names the file and says this.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileProblem {
    /// More than `MAX_FILES` files with one message.
    TooMany,
    /// Larger than `MAX_FILE_BYTES`.
    TooLarge,
    /// An empty file.
    Empty,
    /// Not a JPEG, PNG or PDF by its content.
    WrongType,
}

/// Checks one file as it arrived.
pub fn check_file(content: &[u8]) -> Result<FileKind, FileProblem> {
    if content.is_empty() {
        return Err(FileProblem::Empty);
    }
    if content.len() > MAX_FILE_BYTES {
        return Err(FileProblem::TooLarge);
    }
    FileKind::of(content).ok_or(FileProblem::WrongType)
}

/// The problem with a file the customer picked, as far as the page can tell before sending:
/// `index` is its place among the files chosen (0-based), `size` its size in bytes.
pub fn check_picked(index: usize, size: u64) -> Option<FileProblem> {
    if index >= MAX_FILES {
        Some(FileProblem::TooMany)
    } else if size == 0 {
        Some(FileProblem::Empty)
    } else if size > MAX_FILE_BYTES as u64 {
        Some(FileProblem::TooLarge)
    } else {
        None
    }
}

/// The name a file is stored and offered under: its last path part (browsers on some systems
/// send the whole path), without control characters, quotes or backslashes, at most
/// `NAME_MAX` characters; "file" when nothing is left.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '\\')).take(NAME_MAX).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '.') { "file".to_owned() } else { cleaned.to_owned() }
}

/// A `Content-Disposition` header that makes the browser save the file (never show it in the
/// portal's origin), with the name in ASCII for old clients and in UTF-8 (RFC 6266 / 5987).
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A file as the timeline lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileView {
    pub id: i64,
    pub name: String,
    pub size_bytes: i64,
    /// Whether the person looking may open it (see `may_open`).
    pub openable: bool,
}

/// The size in words the page shows: bytes below 1 KB, then KB, then MB with one decimal.
pub fn size_text(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{} KB", (b + 1023) / 1024),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// Who may open a complaint's files: its customer, its handler and supervisors; never a member
/// of staff the complaint is about. (Others on the desk see that files were sent.)
pub fn may_open(customer_owns: bool, staff: Option<(i64, bool)>, handler: Option<i64>, recused: &[i64]) -> bool {
    match staff {
        None => customer_owns,
        Some((id, supervisor)) => !recused.contains(&id) && (supervisor || handler == Some(id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_decides_the_type_not_the_name() {
        assert_eq!(check_file(b"\xFF\xD8\xFF\xE0\x00\x10JFIF"), Ok(FileKind::Jpeg));
        assert_eq!(check_file(b"\x89PNG\r\n\x1a\n\x00\x00"), Ok(FileKind::Png));
        assert_eq!(check_file(b"%PDF-1.7\n"), Ok(FileKind::Pdf));
        // A text file, an HTML page, a GIF, a PNG signature cut short, a PDF marker not at the start.
        for content in [&b"hello"[..], b"<html><script>", b"GIF89a", b"\x89PNG\r\n", b" %PDF-1.7"] {
            assert_eq!(check_file(content), Err(FileProblem::WrongType), "{content:?}");
        }
        assert_eq!(check_file(b""), Err(FileProblem::Empty));
        assert_eq!(FileKind::Pdf.content_type(), "application/pdf");
    }

    #[test]
    fn five_megabytes_is_the_most() {
        let mut at_limit = vec![0u8; MAX_FILE_BYTES];
        at_limit[..5].copy_from_slice(b"%PDF-");
        assert_eq!(check_file(&at_limit), Ok(FileKind::Pdf));
        at_limit.push(0);
        assert_eq!(check_file(&at_limit), Err(FileProblem::TooLarge));
    }

    #[test]
    fn the_page_refuses_a_fourth_file_an_empty_one_and_one_too_large() {
        assert_eq!(check_picked(0, 1), None);
        assert_eq!(check_picked(2, MAX_FILE_BYTES as u64), None);
        assert_eq!(check_picked(3, 1), Some(FileProblem::TooMany));
        assert_eq!(check_picked(0, 0), Some(FileProblem::Empty));
        assert_eq!(check_picked(1, MAX_FILE_BYTES as u64 + 1), Some(FileProblem::TooLarge));
    }

    #[test]
    fn names_lose_paths_quotes_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\li\\收据.pdf"), "收据.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\"b\r\n.png"), "ab.png");
        assert_eq!(clean_name(""), "file");
        assert_eq!(clean_name(".."), "file");
        assert_eq!(clean_name(&"长".repeat(300)).chars().count(), 100);
    }

    #[test]
    fn files_are_always_downloaded_under_their_name() {
        assert_eq!(
            content_disposition("收据 1.pdf"),
            "attachment; filename=\"__ 1.pdf\"; filename*=UTF-8''%E6%94%B6%E6%8D%AE%201.pdf"
        );
    }

    #[test]
    fn sizes_read_in_bytes_kilobytes_and_megabytes() {
        assert_eq!(size_text(900), "900 B");
        assert_eq!(size_text(1024), "1 KB");
        assert_eq!(size_text(1025), "2 KB");
        assert_eq!(size_text(5 * 1024 * 1024), "5.0 MB");
    }

    #[test]
    fn the_customer_the_handler_and_supervisors_open_files_and_no_one_it_is_about() {
        assert!(may_open(true, None, None, &[]));
        assert!(!may_open(false, None, Some(7), &[]));
        assert!(may_open(false, Some((7, false)), Some(7), &[]));
        assert!(!may_open(false, Some((8, false)), Some(7), &[]));
        assert!(may_open(false, Some((9, true)), Some(7), &[]));
        assert!(!may_open(false, Some((9, true)), Some(7), &[9]));
    }
}
