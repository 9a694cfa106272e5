//! Reading one uploaded file from a multipart form, refusing it past a size limit without
//! holding more than the limit in memory.

use actix_multipart::Multipart;
use futures_util::TryStreamExt as _;

use super::error::AppError;

/// An uploaded file.
pub struct Upload {
    /// The name the browser gave.
    pub file_name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Why an upload is turned away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// No file, or an empty one.
    Missing,
    /// Larger than the limit (in bytes).
    TooLarge(usize),
}

impl Refused {
    /// What to tell the person.
    pub fn message(self) -> String {
        match self {
            Refused::Missing => "Choose a CSV file to import.".into(),
            Refused::TooLarge(max) => format!(
                "The file is larger than {} MB. Split it into smaller files and import them one by one.",
                max / (1024 * 1024)
            ),
        }
    }

    /// The status to answer with.
    pub fn status(self) -> actix_web::http::StatusCode {
        match self {
            Refused::Missing => actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            Refused::TooLarge(_) => actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
        }
    }
}

/// Reads the file in `field` of `form`; the inner `Err` says why it was turned away.
pub async fn read_file(
    form: &mut Multipart,
    field: &str,
    max_bytes: usize,
) -> Result<Result<Upload, Refused>, AppError> {
    let unreadable = |e: actix_multipart::MultipartError| {
        AppError::BadRequest(format!("The upload could not be read: {e}"))
    };
    let mut upload = None;
    while let Some(mut part) = form.try_next().await.map_err(unreadable)? {
        if part.name() != Some(field) {
            continue;
        }
        let file_name = part
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .unwrap_or("upload.csv")
            .to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = part.try_next().await.map_err(unreadable)? {
            if bytes.len() + chunk.len() > max_bytes {
                return Ok(Err(Refused::TooLarge(max_bytes)));
            }
            bytes.extend_from_slice(&chunk);
        }
        upload = Some(Upload { file_name, bytes });
    }
    Ok(match upload {
        Some(upload) if !upload.bytes.is_empty() => Ok(upload),
        _ => Err(Refused::Missing),
    })
}
