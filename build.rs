//! Rebuilds when migrations change (they are embedded) and stamps static files with a content
//! hash so that their long-cached URLs change with them.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=static");
    let mut hasher = DefaultHasher::new();
    let mut files: Vec<_> = std::fs::read_dir("static")
        .map(|dir| dir.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    for file in files {
        file.hash(&mut hasher);
        std::fs::read(&file).unwrap_or_default().hash(&mut hasher);
    }
    println!(
        "cargo:rustc-env=PATRON_ASSET_VERSION={:x}",
        hasher.finish() & 0xffff_ffff
    );
}
