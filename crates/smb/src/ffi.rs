//! The few functions of libsmbclient (Samba's client library) that the SMB source uses,
//! declared by hand, and a small safe wrapper around one client context.
//!
//! A context is not thread-safe: a [`Client`] is used from one thread at a time (it is not
//! `Sync`). Everything the library returns is checked before use: null pointers, lengths
//! outside the buffer, names that are not NUL-terminated.

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::io;
use std::sync::Mutex;

/// libsmbclient's opaque context (`SMBCCTX`).
#[repr(C)]
struct SmbcCtx {
    _private: [u8; 0],
}

/// libsmbclient's opaque open file or directory (`SMBCFILE`).
#[repr(C)]
struct SmbcFile {
    _private: [u8; 0],
}

/// `struct libsmb_file_info` (libsmbclient.h); only `name` is read, the rest comes in the
/// `stat` that `readdirplus2` fills.
#[repr(C)]
struct FileInfo {
    size: u64,
    attrs: u16,
    uid: libc::uid_t,
    gid: libc::gid_t,
    btime: libc::timespec,
    mtime: libc::timespec,
    atime: libc::timespec,
    ctime: libc::timespec,
    name: *mut c_char,
    short_name: *mut c_char,
}

type AuthFn = extern "C" fn(
    *mut SmbcCtx,
    *const c_char,
    *const c_char,
    *mut c_char,
    c_int,
    *mut c_char,
    c_int,
    *mut c_char,
    c_int,
);
type LogFn = extern "C" fn(*mut c_void, c_int, *const c_char);
type OpendirFn = unsafe extern "C" fn(*mut SmbcCtx, *const c_char) -> *mut SmbcFile;
type ClosedirFn = unsafe extern "C" fn(*mut SmbcCtx, *mut SmbcFile) -> c_int;
type ReaddirPlus2Fn =
    unsafe extern "C" fn(*mut SmbcCtx, *mut SmbcFile, *mut libc::stat) -> *const FileInfo;
type OpenFn =
    unsafe extern "C" fn(*mut SmbcCtx, *const c_char, c_int, libc::mode_t) -> *mut SmbcFile;
type ReadFn = unsafe extern "C" fn(*mut SmbcCtx, *mut SmbcFile, *mut c_void, usize) -> isize;
type WriteFn = unsafe extern "C" fn(*mut SmbcCtx, *mut SmbcFile, *const c_void, usize) -> isize;
type CloseFn = unsafe extern "C" fn(*mut SmbcCtx, *mut SmbcFile) -> c_int;
type GetxattrFn =
    unsafe extern "C" fn(*mut SmbcCtx, *const c_char, *const c_char, *const c_void, usize) -> c_int;

#[link(name = "smbclient")]
extern "C" {
    fn smbc_new_context() -> *mut SmbcCtx;
    fn smbc_init_context(c: *mut SmbcCtx) -> *mut SmbcCtx;
    fn smbc_free_context(c: *mut SmbcCtx, shutdown: c_int) -> c_int;
    fn smbc_setDebug(c: *mut SmbcCtx, level: c_int);
    fn smbc_setLogCallback(c: *mut SmbcCtx, private: *mut c_void, f: LogFn);
    fn smbc_setTimeout(c: *mut SmbcCtx, ms: c_int);
    fn smbc_setPort(c: *mut SmbcCtx, port: u16);
    fn smbc_setOptionUserData(c: *mut SmbcCtx, data: *mut c_void);
    fn smbc_getOptionUserData(c: *mut SmbcCtx) -> *mut c_void;
    fn smbc_setOptionSmbEncryptionLevel(c: *mut SmbcCtx, level: c_int);
    fn smbc_setOptionNoAutoAnonymousLogin(c: *mut SmbcCtx, b: c_int);
    fn smbc_setOptionUseKerberos(c: *mut SmbcCtx, b: c_int);
    fn smbc_setOptionFallbackAfterKerberos(c: *mut SmbcCtx, b: c_int);
    fn smbc_setOptionUseCCache(c: *mut SmbcCtx, b: c_int);
    fn smbc_setOptionProtocols(c: *mut SmbcCtx, min: *const c_char, max: *const c_char) -> c_int;
    fn smbc_setFunctionAuthDataWithContext(c: *mut SmbcCtx, f: AuthFn);
    fn smbc_getFunctionOpendir(c: *mut SmbcCtx) -> Option<OpendirFn>;
    fn smbc_getFunctionClosedir(c: *mut SmbcCtx) -> Option<ClosedirFn>;
    fn smbc_getFunctionReaddirPlus2(c: *mut SmbcCtx) -> Option<ReaddirPlus2Fn>;
    fn smbc_getFunctionOpen(c: *mut SmbcCtx) -> Option<OpenFn>;
    fn smbc_getFunctionRead(c: *mut SmbcCtx) -> Option<ReadFn>;
    fn smbc_getFunctionWrite(c: *mut SmbcCtx) -> Option<WriteFn>;
    fn smbc_getFunctionClose(c: *mut SmbcCtx) -> Option<CloseFn>;
    fn smbc_getFunctionGetxattr(c: *mut SmbcCtx) -> Option<GetxattrFn>;
}

/// `smbc_smb_encrypt_level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encryption {
    /// Never encrypt (an anonymous session has no key to encrypt with).
    Off = 0,
    /// Refuse a session or share that cannot be encrypted.
    Required = 2,
}

/// Who the client logs on as.
pub(crate) struct Credentials {
    pub workgroup: String,
    pub user: String,
    pub password: String,
}

/// What the authentication callback hands the library: NUL-terminated, fixed for the
/// context's life (the library asks again for every server and share it connects to).
struct Auth {
    workgroup: Vec<u8>,
    user: Vec<u8>,
    password: Vec<u8>,
}

impl Drop for Auth {
    fn drop(&mut self) {
        // The password should not outlive the client in freed memory.
        self.password.iter_mut().for_each(|b| *b = 0);
    }
}

/// Context setup touches the library's global state (its configuration, the log callback);
/// one at a time.
static SETUP: Mutex<()> = Mutex::new(());

/// One libsmbclient context, logged on as one user.
pub(crate) struct Client {
    ctx: *mut SmbcCtx,
    /// Read by the callback through the context's user data; boxed so that it does not move.
    _auth: Box<Auth>,
    opendir: OpendirFn,
    closedir: ClosedirFn,
    readdir: ReaddirPlus2Fn,
    open: OpenFn,
    read: ReadFn,
    write: WriteFn,
    close: CloseFn,
    getxattr: GetxattrFn,
}

// SAFETY: the context is used by one thread at a time (`Client` is not `Sync`, and every use
// takes `&self` or `&mut self` on that thread); libsmbclient contexts may move between threads.
unsafe impl Send for Client {}

fn nul_terminated(s: &str) -> Vec<u8> {
    let mut v: Vec<u8> = s.bytes().filter(|b| *b != 0).collect();
    v.push(0);
    v
}

/// Copies a NUL-terminated value into a buffer of the library's, cut to fit.
///
/// # Safety
/// `dst` is null or valid for `len` bytes.
unsafe fn fill(dst: *mut c_char, len: c_int, src: &[u8]) {
    let Ok(len) = usize::try_from(len) else {
        return;
    };
    if dst.is_null() || len == 0 {
        return;
    }
    // `src` ends in NUL; keep room for one in `dst`.
    let n = src.len().saturating_sub(1).min(len - 1);
    std::ptr::copy_nonoverlapping(src.as_ptr().cast::<c_char>(), dst, n);
    *dst.add(n) = 0;
}

extern "C" fn auth_callback(
    ctx: *mut SmbcCtx,
    _server: *const c_char,
    _share: *const c_char,
    wg: *mut c_char,
    wglen: c_int,
    un: *mut c_char,
    unlen: c_int,
    pw: *mut c_char,
    pwlen: c_int,
) {
    // SAFETY: the user data is the `Auth` that the owning `Client` keeps alive for as long as
    // the context exists; the buffers are the library's, valid for the lengths it passes.
    unsafe {
        let a = smbc_getOptionUserData(ctx).cast::<Auth>();
        let Some(a) = a.as_ref() else {
            return;
        };
        fill(wg, wglen, &a.workgroup);
        fill(un, unlen, &a.user);
        fill(pw, pwlen, &a.password);
    }
}

/// The library's messages would go to standard output or error, which belong to the scanner's
/// own output; they are dropped (errors come back as errno and are reported per item).
extern "C" fn quiet_log(_p: *mut c_void, _level: c_int, _msg: *const c_char) {}

impl Client {
    /// A new context with `creds`, SMB2 or later, no Kerberos, no fallback to an anonymous
    /// logon (a wrong password must be an error, not a guest session).
    pub(crate) fn new(
        creds: &Credentials,
        encryption: Encryption,
        anonymous: bool,
        port: u16,
        timeout_ms: i32,
    ) -> Result<Client, String> {
        let auth = Box::new(Auth {
            workgroup: nul_terminated(&creds.workgroup),
            user: nul_terminated(&creds.user),
            password: nul_terminated(&creds.password),
        });
        let _guard = SETUP.lock().unwrap_or_else(|p| p.into_inner());
        // SAFETY: plain calls on a context this function owns until it is wrapped below; the
        // user data points at the boxed `Auth` moved into the `Client` with the context.
        unsafe {
            let ctx = smbc_new_context();
            if ctx.is_null() {
                return Err(format!(
                    "libsmbclient: no context ({})",
                    io::Error::last_os_error()
                ));
            }
            smbc_setDebug(ctx, 0);
            smbc_setLogCallback(ctx, std::ptr::null_mut(), quiet_log);
            smbc_setTimeout(ctx, timeout_ms);
            // The URL's port serves the share; the IPC$ connection that resolves names and
            // reads security descriptors uses the context's.
            smbc_setPort(ctx, port);
            smbc_setOptionUseKerberos(ctx, 0);
            smbc_setOptionFallbackAfterKerberos(ctx, 1);
            smbc_setOptionUseCCache(ctx, 0);
            smbc_setOptionNoAutoAnonymousLogin(ctx, c_int::from(!anonymous));
            smbc_setOptionSmbEncryptionLevel(ctx, encryption as c_int);
            smbc_setOptionProtocols(ctx, c"SMB2_02".as_ptr(), c"SMB3".as_ptr());
            smbc_setOptionUserData(ctx, (&*auth as *const Auth).cast_mut().cast());
            smbc_setFunctionAuthDataWithContext(ctx, auth_callback);
            if smbc_init_context(ctx).is_null() {
                let e = io::Error::last_os_error();
                smbc_free_context(ctx, 1);
                return Err(format!("libsmbclient could not start: {e}"));
            }
            let fns = (
                smbc_getFunctionOpendir(ctx),
                smbc_getFunctionClosedir(ctx),
                smbc_getFunctionReaddirPlus2(ctx),
                smbc_getFunctionOpen(ctx),
                smbc_getFunctionRead(ctx),
                smbc_getFunctionWrite(ctx),
                smbc_getFunctionClose(ctx),
                smbc_getFunctionGetxattr(ctx),
            );
            let (
                Some(opendir),
                Some(closedir),
                Some(readdir),
                Some(open),
                Some(read),
                Some(write),
                Some(close),
                Some(getxattr),
            ) = fns
            else {
                smbc_free_context(ctx, 1);
                return Err(
                    "libsmbclient lacks a function this source needs (readdirplus2 \
                            came with Samba 4.12)"
                        .into(),
                );
            };
            Ok(Client {
                ctx,
                _auth: auth,
                opendir,
                closedir,
                readdir,
                open,
                read,
                write,
                close,
                getxattr,
            })
        }
    }

    /// Lists a directory: its entries (without `.` and `..`) with what the listing says about
    /// each. libsmbclient reads the whole listing when it opens the directory.
    pub(crate) fn list(&self, url: &CStr, max: usize) -> io::Result<Vec<Listed>> {
        // SAFETY: `url` is NUL-terminated; the handle is closed below on every path.
        let dir = unsafe { (self.opendir)(self.ctx, url.as_ptr()) };
        if dir.is_null() {
            return Err(io::Error::last_os_error());
        }
        let mut out = Vec::new();
        loop {
            // SAFETY: an all-zero `stat` is a valid value to be overwritten.
            let mut st: libc::stat = unsafe { std::mem::zeroed() };
            // SAFETY: `dir` is open; `st` is valid for writing.
            let info = unsafe { (self.readdir)(self.ctx, dir, &mut st) };
            // SAFETY: a non-null result points at an entry valid until the next call.
            let Some(info) = (unsafe { info.as_ref() }) else {
                break;
            };
            if info.name.is_null() {
                continue;
            }
            // SAFETY: the library's names are NUL-terminated strings.
            let name = unsafe { CStr::from_ptr(info.name) }.to_bytes().to_vec();
            if name == b"." || name == b".." || name.is_empty() {
                continue;
            }
            if out.len() >= max {
                break;
            }
            let kind = st.st_mode & libc::S_IFMT;
            out.push(Listed {
                name,
                is_dir: kind == libc::S_IFDIR,
                size: u64::try_from(st.st_size).unwrap_or(0),
                mtime: (st.st_mtime, st.st_mtime_nsec),
            });
        }
        // SAFETY: `dir` is open and closed once.
        unsafe { (self.closedir)(self.ctx, dir) };
        Ok(out)
    }

    /// Opens a file for reading.
    pub(crate) fn open(&self, url: &CStr) -> io::Result<File<'_>> {
        self.open_with(url, libc::O_RDONLY)
    }

    /// Opens a named pipe of IPC$ (`smb://HOST/IPC$/srvsvc`) to write requests and read
    /// answers.
    pub(crate) fn open_pipe(&self, url: &CStr) -> io::Result<File<'_>> {
        self.open_with(url, libc::O_RDWR)
    }

    fn open_with(&self, url: &CStr, flags: c_int) -> io::Result<File<'_>> {
        // SAFETY: `url` is NUL-terminated.
        let f = unsafe { (self.open)(self.ctx, url.as_ptr(), flags, 0) };
        if f.is_null() {
            return Err(io::Error::last_os_error());
        }
        Ok(File { client: self, f })
    }

    /// The value of extended attribute `name` (`system.nt_sec_desc.*`), read into `buf`; its
    /// bytes up to the first NUL.
    pub(crate) fn getxattr<'b>(
        &self,
        url: &CStr,
        name: &CStr,
        buf: &'b mut [u8],
    ) -> io::Result<&'b [u8]> {
        buf.fill(0);
        // SAFETY: both strings are NUL-terminated and `buf` is valid for `buf.len()` bytes.
        let r = unsafe {
            (self.getxattr)(
                self.ctx,
                url.as_ptr(),
                name.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        };
        if r < 0 {
            return Err(io::Error::last_os_error());
        }
        // The value is a string; whatever the return value claims, stop at its NUL (a
        // buffer with none was filled to the brim: the value did not fit).
        match buf.iter().position(|b| *b == 0) {
            Some(n) => Ok(&buf[..n]),
            None => Err(io::Error::from_raw_os_error(libc::ERANGE)),
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // SAFETY: the context was initialised and is freed once; 1 closes its connections.
        unsafe { smbc_free_context(self.ctx, 1) };
    }
}

/// An entry of a directory listing.
pub(crate) struct Listed {
    pub name: Vec<u8>,
    pub is_dir: bool,
    pub size: u64,
    /// Seconds and nanoseconds since the epoch.
    pub mtime: (i64, i64),
}

/// A file open for reading; closed when dropped.
pub(crate) struct File<'c> {
    client: &'c Client,
    f: *mut SmbcFile,
}

impl File<'_> {
    /// Reads into `buf`; 0 at the end of the file.
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // SAFETY: the file is open and `buf` is valid for `buf.len()` bytes.
        let n = unsafe {
            (self.client.read)(self.client.ctx, self.f, buf.as_mut_ptr().cast(), buf.len())
        };
        match usize::try_from(n) {
            Ok(n) => Ok(n.min(buf.len())),
            Err(_) => Err(io::Error::last_os_error()),
        }
    }

    /// Writes all of `buf` (one message, for a pipe).
    pub(crate) fn write(&mut self, buf: &[u8]) -> io::Result<()> {
        // SAFETY: the file is open and `buf` is valid for `buf.len()` bytes.
        let n =
            unsafe { (self.client.write)(self.client.ctx, self.f, buf.as_ptr().cast(), buf.len()) };
        match usize::try_from(n) {
            Ok(n) if n == buf.len() => Ok(()),
            Ok(_) => Err(io::Error::new(io::ErrorKind::WriteZero, "short write")),
            Err(_) => Err(io::Error::last_os_error()),
        }
    }
}

impl Drop for File<'_> {
    fn drop(&mut self) {
        // SAFETY: the file is open and closed once.
        unsafe { (self.client.close)(self.client.ctx, self.f) };
    }
}

/// A URL for libsmbclient: NUL bytes cannot be sent, so a name holding one is an error.
pub(crate) fn c_url(url: &str) -> io::Result<CString> {
    CString::new(url).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in a name"))
}
