//! What an SMB server sends about a share, read without any SMB client: the `smb://` target
//! ([`SmbTarget`]), security descriptors in libsmbclient's text form and in binary and who
//! they let read ([`sd`]), the srvsvc messages that ask for a share's own permissions
//! ([`srvsvc`]), the SMB2 NEGOTIATE that tells whether a server encrypts
//! ([`offers_encryption`]), and credentials files ([`parse_credentials`]).
//!
//! The walk of a share itself (`datavakt-smb`, which links Samba's libsmbclient,
//! GPL-3.0-or-later) lives in a crate of its own, so that these parsers, which take arbitrary
//! bytes from the network, are tested and fuzzed without linking any GPL code.

mod credentials;
mod negotiate;
pub mod sd;
pub mod srvsvc;
mod target;

pub use credentials::{parse_credentials, FileCredentials, CREDENTIALS_ENV, PASSWORD_ENV};
pub use negotiate::offers_encryption;
pub use target::{SmbTarget, DEFAULT_PORT};

/// Every parser of what an SMB server sends, on arbitrary bytes, results discarded: for the
/// fuzz target `smb` (`fuzz/`), not for use.
#[doc(hidden)]
pub fn parse_untrusted(data: &[u8]) {
    let _ = sd::parse(data);
    let _ = sd::parse_binary(data);
    let _ = srvsvc::share_info_502(data);
    let _ = srvsvc::fragment_len(data);
    let _ = srvsvc::bind_accepted(data);
    let _ = srvsvc::Answer::default().add(data);
}
