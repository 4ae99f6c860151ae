//! A share's own permissions, asked of the server's srvsvc service over the IPC$ pipe that
//! libsmbclient opens like a file on the walk's own session (same logon, encryption and port):
//! the pipe's reads and writes are here, the messages and the answer are
//! `sources::smb::srvsvc`'s.

use std::ffi::CStr;

use sources::smb::{sd, srvsvc, SmbTarget};

use crate::describe;
use crate::ffi::{c_url, Client, File};

/// The share's own permissions, read once per walk through srvsvc on the walk's session.
pub(crate) fn share_acl(client: &Client, target: &SmbTarget) -> sd::ShareAcl {
    let ipc = SmbTarget {
        share: "IPC$".into(),
        path: String::new(),
        ..target.clone()
    };
    let read = c_url(&ipc.lib_url("srvsvc"))
        .map_err(|e| e.to_string())
        .and_then(|pipe| share_descriptor(client, &pipe, &target.share))
        .and_then(|b| sd::parse_binary(&b));
    match read {
        Ok(None) => sd::ShareAcl::Open,
        Ok(Some(acl)) => sd::ShareAcl::Limited(acl),
        Err(e) => sd::ShareAcl::Unknown(e),
    }
}

/// The share's security descriptor, self-relative and binary, as the server keeps it: `Err`
/// says why it could not be had (a server that keeps it from this user, a missing service).
fn share_descriptor(client: &Client, pipe: &CStr, share: &str) -> Result<Vec<u8>, String> {
    let mut p = client
        .open_pipe(pipe)
        .map_err(|e| format!("the srvsvc pipe did not open ({})", describe(&e)))?;
    p.write(&srvsvc::bind())
        .map_err(|e| format!("bind not sent ({e})"))?;
    let ack = read_pdu(&mut p)?;
    if !srvsvc::bind_accepted(&ack) {
        return Err("the server refused to bind to srvsvc".into());
    }
    p.write(&srvsvc::request(share)?)
        .map_err(|e| format!("request not sent ({e})"))?;
    let mut answer = srvsvc::Answer::default();
    while !answer.add(&read_pdu(&mut p)?)? {}
    answer.descriptor()
}

/// One PDU: its header first, for its length, then exactly the rest (a pipe read asks for no
/// more than the message holds, so that it never waits for a message that will not come).
fn read_pdu(p: &mut File<'_>) -> Result<Vec<u8>, String> {
    let mut pdu = vec![0u8; 16];
    read_exact(p, &mut pdu)?;
    pdu.resize(srvsvc::fragment_len(&pdu)?, 0);
    read_exact(p, &mut pdu[16..])?;
    Ok(pdu)
}

fn read_exact(p: &mut File<'_>, mut buf: &mut [u8]) -> Result<(), String> {
    while !buf.is_empty() {
        let n = p
            .read(buf)
            .map_err(|e| format!("answer not read ({})", describe(&e)))?;
        if n == 0 {
            return Err("the answer ended early".into());
        }
        buf = &mut buf[n..];
    }
    Ok(())
}
