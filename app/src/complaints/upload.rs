//! Reading a multipart form with files (server only): its text fields, and its `file` parts
//! checked one by one as they arrive (`files::check_file`), so a refused file stops the request
//! before anything is stored and the error names it.

use super::files::{self, FileProblem};
use super::service::Upload;
use crate::error::AppError;
use leptos::server_fn::codec::MultipartData;
use std::collections::HashMap;

/// A text field is at most this many bytes (the longest text, 2,000 characters of up to 4 bytes,
/// with room to spare); the checks on each field say more.
const FIELD_MAX_BYTES: usize = 16 * 1024;

#[derive(Default)]
pub struct Form {
    fields: HashMap<String, String>,
    pub files: Vec<Upload>,
}

impl Form {
    /// A text field's value; empty when the form did not have it.
    pub fn take(&mut self, name: &str) -> String {
        self.fields.remove(name).unwrap_or_default()
    }
}

fn unreadable() -> AppError {
    AppError::Invalid { field: "form".into(), problem: "unreadable".into() }
}

pub async fn read(data: MultipartData) -> Result<Form, AppError> {
    let mut multipart = data.into_inner().ok_or_else(unreadable)?;
    let mut form = Form::default();
    while let Some(mut field) = multipart.next_field().await.map_err(|_| unreadable())? {
        let name = field.name().unwrap_or_default().to_owned();
        if name != "file" {
            let mut text = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
                text.extend_from_slice(&chunk);
                if text.len() > FIELD_MAX_BYTES {
                    return Err(AppError::Invalid { field: name, problem: "too_long".into() });
                }
            }
            form.fields.insert(name, String::from_utf8(text).map_err(|_| unreadable())?);
            continue;
        }
        let unnamed = field.file_name().unwrap_or_default().is_empty();
        let file_name = files::clean_name(field.file_name().unwrap_or_default());
        let refused = |problem| AppError::File { name: file_name.clone(), problem };
        if form.files.len() >= files::MAX_FILES {
            return Err(refused(FileProblem::TooMany));
        }
        let mut content = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
            if content.len() + chunk.len() > files::MAX_FILE_BYTES {
                return Err(refused(FileProblem::TooLarge));
            }
            content.extend_from_slice(&chunk);
        }
        // A browser's own form sends an empty file input as an empty part without a name: no file.
        if unnamed && content.is_empty() {
            continue;
        }
        let kind = files::check_file(&content).map_err(refused)?;
        form.files.push(Upload { name: file_name, kind, content });
    }
    Ok(form)
}
