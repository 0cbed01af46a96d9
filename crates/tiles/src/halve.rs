//! Halving a strip for the next coarser level.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

/// `rows` (packed RGB, `width` × `height`) halved: each pixel the mean of a 2 × 2 block, the size rounded up (an
/// odd last column or row is averaged with itself), so level sizes follow `TilePyramid::level_size`.
pub(crate) fn halve(rows: &[u8], width: u32, height: u32) -> Vec<u8> {
    let (half_w, half_h) = (width.div_ceil(2), height.div_ceil(2));
    let (even_w, even_h) = (width & !1, height & !1);
    let stride = width as usize * 3;
    let half_stride = half_w as usize * 3;
    let mut out = vec![0u8; half_stride * half_h as usize];
    if even_w >= 2 && even_h >= 2 {
        // The even part with the resizer's box filter: at exactly 2× that is the mean of each 2 × 2 block.
        let src = ImageRef::new(width, height, rows, PixelType::U8x3).expect("rows hold the strip");
        let options = ResizeOptions::new()
            .resize_alg(ResizeAlg::Convolution(FilterType::Box))
            .crop(0.0, 0.0, f64::from(even_w), f64::from(even_h));
        let (dst_w, dst_h) = (even_w / 2, even_h / 2);
        if dst_w == half_w {
            // Even width: the resizer writes straight into the output's first rows.
            let mut dst = Image::from_slice_u8(dst_w, dst_h, &mut out, PixelType::U8x3)
                .expect("the output holds the even rows");
            Resizer::new()
                .resize(&src, &mut dst, &options)
                .expect("same pixel types and a crop inside the image");
        } else {
            let mut dst = Image::new(dst_w, dst_h, PixelType::U8x3);
            Resizer::new()
                .resize(&src, &mut dst, &options)
                .expect("same pixel types and a crop inside the image");
            let dst_stride = dst_w as usize * 3;
            for (from, to) in dst
                .buffer()
                .chunks_exact(dst_stride)
                .zip(out.chunks_exact_mut(half_stride))
            {
                to[..dst_stride].copy_from_slice(from);
            }
        }
    }
    let px = |x: u32, y: u32, c: usize| u16::from(rows[y as usize * stride + x as usize * 3 + c]);
    let mean2 = |a: u16, b: u16| (a + b).div_ceil(2) as u8;
    if width % 2 == 1 {
        let x = width - 1;
        for j in 0..even_h / 2 {
            for c in 0..3 {
                out[j as usize * half_stride + (half_w as usize - 1) * 3 + c] =
                    mean2(px(x, 2 * j, c), px(x, 2 * j + 1, c));
            }
        }
    }
    if height % 2 == 1 {
        let y = height - 1;
        let last = (half_h as usize - 1) * half_stride;
        for i in 0..half_w {
            let (a, b) = (2 * i, (2 * i + 1).min(width - 1));
            for c in 0..3 {
                out[last + i as usize * 3 + c] = mean2(px(a, y, c), px(b, y, c));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::halve;

    #[test]
    fn halving_averages_two_by_two_blocks_and_rounds_an_odd_size_up() {
        // 3 × 3 grey values (as RGB with equal channels).
        let grey = [0u8, 100, 50, 200, 40, 60, 10, 30, 90];
        let rows: Vec<u8> = grey.iter().flat_map(|&g| [g, g, g]).collect();
        let half = halve(&rows, 3, 3);
        let got: Vec<u8> = half.chunks_exact(3).map(|p| p[0]).collect();
        // [(0+100+200+40)/4, (50+60)/2; (10+30)/2, 90]
        assert_eq!(got, vec![85, 55, 20, 90]);
        assert!(half.chunks_exact(3).all(|p| p[0] == p[1] && p[1] == p[2]));
    }

    #[test]
    fn halving_one_pixel_keeps_it() {
        assert_eq!(halve(&[1, 2, 3], 1, 1), vec![1, 2, 3]);
        assert_eq!(halve(&[1, 2, 3, 3, 4, 5], 2, 1), vec![2, 3, 4]);
    }
}
