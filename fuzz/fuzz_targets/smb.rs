//! What an SMB server sends about permissions (a security descriptor as libsmbclient's text
//! or in binary, a srvsvc NetrShareGetInfo answer), on arbitrary bytes: no panic, bounded work.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    datavakt_sources::smb::parse_untrusted(data);
});
