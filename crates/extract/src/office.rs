//! Office documents that are ZIP packages: Office Open XML (DOCX, XLSX, PPTX) and
//! OpenDocument (ODT, ODS, ODP).

use std::io::{Read, Seek};

use crate::item::Cx;

/// Which kind of package a ZIP is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PackageKind {}

/// Recognises an office package from its members, `None` for a plain ZIP.
pub fn package_kind<R: Read + Seek>(_zip: &mut zip::ZipArchive<R>) -> Option<PackageKind> {
    None
}

/// Extracts the text of an office package.
pub fn package<R: Read + Seek>(
    _zip: &mut zip::ZipArchive<R>,
    kind: PackageKind,
    _cx: &mut Cx,
) -> Result<(), String> {
    match kind {}
}
