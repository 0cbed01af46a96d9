//! Times pyramid making at 12, 108 and (with `--with-300`) 300 Mpx and prints a table with each run's peak
//! memory. Each run is its own process (this example again, as `make SRC DEST`), so its peak resident memory
//! (VmHWM) is that run's alone.
//!
//! ```text
//! cargo run --release -p crowdbox-tiles --example pyramid_bench [-- --with-300] [--progressive | --png] [--dir FOLDER]
//! cargo run --release -p crowdbox-tiles --example pyramid_bench -- make photo.jpg photo.tiles
//! cargo run --release -p crowdbox-tiles --example pyramid_bench -- whole photo.jpg
//! ```
//!
//! `whole` is the comparison: decoding the image in one piece (the `image` crate, as a plain import would), which
//! is what a pyramid made strip by strip avoids.
//!
//! The images are coloured noise made here: every 4 × 4 block a random colour plus ±16 of noise per pixel
//! (JPEG quality 90), written row by row so making them needs little memory either; baseline JPEGs, as cameras
//! and drones write them, or progressive ones with `--progressive` (libjpeg must then hold every scan's
//! coefficients for the whole image before the first row is final), or 8-bit RGB PNGs with `--png`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crowdbox_tiles::{make_pyramid, PyramidOptions};
use mozjpeg::{ColorSpace, Compress};

const SIZES: [(u32, u32); 3] = [(4000, 3000), (12_000, 9_000), (20_000, 15_000)];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("make") => return make(Path::new(&args[1]), Path::new(&args[2])),
        Some("whole") => return whole(Path::new(&args[1])),
        _ => {}
    }
    let with_300 = args.iter().any(|a| a == "--with-300");
    let progressive = args.iter().any(|a| a == "--progressive");
    let as_png = args.iter().any(|a| a == "--png");
    let kind = match (as_png, progressive) {
        (true, _) => "png",
        (false, true) => "progressive",
        (false, false) => "baseline",
    };
    let dir = args
        .iter()
        .position(|a| a == "--dir")
        .map(|i| PathBuf::from(&args[i + 1]))
        .unwrap_or_else(|| std::env::temp_dir().join("crowdbox-pyramid-bench"));
    std::fs::create_dir_all(&dir).unwrap();
    println!(
        "| image | Mpx | file MB | tiles | tiles MB | pyramid s | pyramid peak RSS MB | whole decode s | \
         whole decode peak RSS MB |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let sizes = if with_300 { &SIZES[..] } else { &SIZES[..2] };
    for &(w, h) in sizes {
        let extension = if as_png { "png" } else { "jpg" };
        let source = dir.join(format!("noise-{w}x{h}-{kind}.{extension}"));
        if !source.exists() && as_png {
            write_noise_png(&source, w, h);
        } else if !source.exists() {
            write_noise_jpeg(&source, w, h, progressive);
        }
        let dest = dir.join(format!("noise-{w}x{h}-{kind}.tiles"));
        let _ = std::fs::remove_dir_all(&dest);
        let report = run_self(&["make".as_ref(), source.as_os_str(), dest.as_os_str()]);
        let whole = run_self(&["whole".as_ref(), source.as_os_str()]);
        let field = |report: &str, name: &str| {
            report
                .split_whitespace()
                .find_map(|kv| kv.strip_prefix(name))
                .unwrap_or("?")
                .to_owned()
        };
        println!(
            "| {w} × {h} {kind} | {:.0} | {:.0} | {} | {:.0} | {} | {} | {} | {} |",
            f64::from(w) * f64::from(h) / 1e6,
            std::fs::metadata(&source).unwrap().len() as f64 / 1e6,
            field(&report, "tiles="),
            folder_bytes(&dest) as f64 / 1e6,
            field(&report, "seconds="),
            field(&report, "peak_rss_mb="),
            field(&whole, "seconds="),
            field(&whole, "peak_rss_mb="),
        );
        let _ = std::fs::remove_dir_all(&dest);
    }
}

/// This example again, as its own process; returns what it printed.
fn run_self(args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak_kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(f64::NAN);
    peak_kb / 1024.0
}

/// The comparison: the whole image decoded at once.
fn whole(source: &Path) {
    let started = Instant::now();
    let mut reader = image::ImageReader::open(source).unwrap();
    reader.no_limits();
    let image = reader.decode().unwrap();
    let seconds = started.elapsed().as_secs_f64();
    assert!(image.width() > 0);
    println!("seconds={seconds:.1} peak_rss_mb={:.0}", peak_rss_mb());
}

/// One run: make the pyramid, report tiles, seconds and this process's peak resident memory.
fn make(source: &Path, dest: &Path) {
    let started = Instant::now();
    let pyramid =
        make_pyramid(source, dest, &PyramidOptions::default(), |_| {}).unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(1)
        });
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "tiles={} seconds={seconds:.1} peak_rss_mb={:.0}",
        pyramid.tile_count(),
        peak_rss_mb()
    );
}

fn folder_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                let meta = e.metadata().unwrap();
                if meta.is_dir() {
                    folder_bytes(&e.path())
                } else {
                    meta.len()
                }
            })
            .sum()
    })
}

/// xorshift64*: noise needs no quality, only speed and repeatability.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Four rows of the noise pattern: every 4 × 4 block a random colour, ±16 of noise per pixel.
fn noise_rows(noise: &mut Noise, block_colours: &mut [[u8; 3]], rows: &mut [u8], width: u32) {
    for c in block_colours.iter_mut() {
        let r = noise.next();
        *c = [r as u8, (r >> 8) as u8, (r >> 16) as u8];
    }
    for (i, px) in rows.chunks_exact_mut(3).enumerate() {
        let base = block_colours[(i % width as usize) / 4];
        let r = noise.next();
        for (k, p) in px.iter_mut().enumerate() {
            let jitter = ((r >> (8 * k)) & 31) as i16 - 16;
            *p = (i16::from(base[k]) + jitter).clamp(0, 255) as u8;
        }
    }
}

fn write_noise_png(path: &Path, width: u32, height: u32) {
    let mut noise = Noise(0x9E37_79B9_7F4A_7C15 ^ u64::from(width));
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut encoder = png::Encoder::new(file, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut header = encoder.write_header().unwrap();
    let mut stream = header.stream_writer().unwrap();
    let mut block_colours = vec![[0u8; 3]; width.div_ceil(4) as usize];
    let mut rows = vec![0u8; width as usize * 3 * 4];
    for _ in 0..height / 4 {
        noise_rows(&mut noise, &mut block_colours, &mut rows, width);
        std::io::Write::write_all(&mut stream, &rows).unwrap();
    }
    stream.finish().unwrap();
}

fn write_noise_jpeg(path: &Path, width: u32, height: u32, progressive: bool) {
    let mut noise = Noise(0x9E37_79B9_7F4A_7C15 ^ u64::from(width));
    let mut compress = Compress::new(ColorSpace::JCS_RGB);
    compress.set_size(width as usize, height as usize);
    compress.set_fastest_defaults();
    compress.set_quality(90.0);
    if progressive {
        compress.set_progressive_mode();
    }
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut started = compress.start_compress(file).unwrap();
    let mut block_colours = vec![[0u8; 3]; width.div_ceil(4) as usize];
    let mut rows = vec![0u8; width as usize * 3 * 4];
    // The bench's heights are multiples of 4.
    for _ in 0..height / 4 {
        noise_rows(&mut noise, &mut block_colours, &mut rows, width);
        started.write_scanlines(&rows).unwrap();
    }
    started.finish().unwrap();
}
