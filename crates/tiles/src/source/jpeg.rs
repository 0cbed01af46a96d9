//! JPEG rows through libjpeg's scanline API: only the rows asked for are ever in memory.

use std::cell::Cell;
use std::ffi::c_int;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::rc::Rc;

use mozjpeg::decompress::DecompressStarted;
use mozjpeg::{ColorSpace, Decompress};
use mozjpeg_sys::{jpeg_common_struct, jpeg_error_mgr};

use super::{panic_message, RowSource};
use crate::error::TileErrorKind;

/// Notes when libjpeg asks for more data than the file has. libjpeg then makes up an end marker and fills the
/// missing rows with grey (and only warns); a complete file never runs out before its end marker, so running
/// out means the file is cut short or its header claims more rows than its data holds.
struct EofWatch {
    inner: BufReader<File>,
    ran_out: Rc<Cell<bool>>,
}

impl Read for EofWatch {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.ran_out.set(true);
        }
        Ok(n)
    }
}

impl BufRead for EofWatch {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let buf = self.inner.fill_buf()?;
        if buf.is_empty() {
            self.ran_out.set(true);
        }
        Ok(buf)
    }

    fn consume(&mut self, amount: usize) {
        self.inner.consume(amount);
    }
}

thread_local! {
    /// Set when libjpeg warns. Its decoder lives on one thread, so the flag is that decoder's.
    static WARNED: Cell<bool> = const { Cell::new(false) };
}

/// A warning is how libjpeg reports entropy data that ends early (it hits the end marker and fills the rest
/// with grey, which is what a header claiming more rows than the data holds looks like) or is corrupt.
extern "C-unwind" fn note_warning(_cinfo: &mut jpeg_common_struct, level: c_int) {
    if level < 0 {
        WARNED.with(|w| w.set(true));
    }
}

/// Fatal errors unwind out of libjpeg (the `unwinding` feature) and are caught around each call. The message
/// text is libjpeg's table, which only its own handler can read; the header was already checked by the probe.
extern "C-unwind" fn fail(_cinfo: &mut jpeg_common_struct) {
    std::panic::resume_unwind(Box::new(
        "libjpeg cannot decode it: its data is corrupt".to_owned(),
    ));
}

extern "C-unwind" fn ignore(_cinfo: &mut jpeg_common_struct) {}

fn error_manager() -> jpeg_error_mgr {
    jpeg_error_mgr {
        error_exit: Some(fail),
        emit_message: Some(note_warning),
        output_message: Some(ignore),
        format_message: None,
        reset_error_mgr: Some(ignore),
        msg_code: 0,
        msg_parm: Default::default(),
        trace_level: 0,
        num_warnings: 0,
        jpeg_message_table: std::ptr::null(),
        last_jpeg_message: 0,
        addon_message_table: std::ptr::null(),
        first_addon_message: 0,
        last_addon_message: 0,
    }
}

/// Rows are asked of libjpeg this many at a time, so a warning is placed to within these rows.
const ROWS_PER_CALL: usize = 16;

pub(crate) struct JpegRows {
    started: DecompressStarted<EofWatch>,
    ran_out: Rc<Cell<bool>>,
    width: u32,
    height: u32,
    rows_read: u32,
}

impl JpegRows {
    pub(crate) fn open(path: &Path) -> Result<Self, TileErrorKind> {
        let file = File::open(path).map_err(TileErrorKind::Read)?;
        let ran_out = Rc::new(Cell::new(false));
        let reader = EofWatch {
            inner: BufReader::with_capacity(1 << 16, file),
            ran_out: Rc::clone(&ran_out),
        };
        // libjpeg reports errors by unwinding out of its error handler (the mozjpeg crate's way).
        WARNED.with(|w| w.set(false));
        let started = catch_unwind(AssertUnwindSafe(|| {
            let header = Decompress::with_err(error_manager()).from_reader(reader)?;
            // What libjpeg says of the header (an unknown JFIF revision, an odd marker) does not matter; what it
            // says from here on, while it reads the image data, does.
            WARNED.with(|w| w.set(false));
            if matches!(
                header.color_space(),
                ColorSpace::JCS_CMYK | ColorSpace::JCS_YCCK
            ) {
                return Err(io::Error::other(
                    "is a CMYK JPEG; tiles are made from RGB and greyscale JPEGs",
                ));
            }
            header.rgb()
        }));
        let truncated = ran_out.get();
        let started = match started {
            Ok(Ok(started)) => started,
            _ if truncated => return Err(TileErrorKind::Truncated),
            Ok(Err(e)) => return Err(TileErrorKind::Corrupt(e.to_string())),
            Err(panic) => return Err(TileErrorKind::Corrupt(panic_message(panic))),
        };
        // A progressive JPEG's scans are all read while starting: a warning now is about its data.
        if WARNED.with(Cell::get) {
            return Err(TileErrorKind::Truncated);
        }
        let (width, height) = (started.width() as u32, started.height() as u32);
        Ok(JpegRows {
            started,
            ran_out,
            width,
            height,
            rows_read: 0,
        })
    }
}

impl RowSource for JpegRows {
    fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn read_rows(&mut self, buf: &mut [u8]) -> Result<(), TileErrorKind> {
        let row_bytes = self.width as usize * 3;
        for chunk in buf.chunks_mut(row_bytes * ROWS_PER_CALL) {
            let result = catch_unwind(AssertUnwindSafe(|| {
                self.started.read_scanlines_into::<u8>(chunk).map(|_| ())
            }));
            self.rows_read += (chunk.len() / row_bytes) as u32;
            if self.ran_out.get() {
                return Err(TileErrorKind::Truncated);
            }
            match result {
                Ok(Ok(())) => {}
                Ok(Err(e)) if e.kind() == io::ErrorKind::UnexpectedEof => {
                    return Err(TileErrorKind::Truncated)
                }
                Ok(Err(e)) => return Err(TileErrorKind::Corrupt(e.to_string())),
                Err(panic) => return Err(TileErrorKind::Corrupt(panic_message(panic))),
            }
            // A warning with rows still to come means the data ended early or is corrupt. One within the last
            // rows (a few stray bytes before the end marker, common from cameras) is not: every row is there.
            if WARNED.with(Cell::get) && self.rows_read + (ROWS_PER_CALL as u32) < self.height {
                return Err(TileErrorKind::Truncated);
            }
        }
        Ok(())
    }
}
