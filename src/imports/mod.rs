//! CSV imports shared by every area (customers, items): reading a file's header and rows, keeping
//! a checked file between the preview and the run, the background run with its progress bar, and
//! the pages around them. An area plugs in by implementing `job::Importer`.

pub mod check;
pub mod job;
pub mod model;
pub mod pages;

pub use check::{Checked, MAX_BYTES, RowError, cell, decode, header, reader};
pub use job::Importer;
