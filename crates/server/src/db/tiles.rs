//! Tile pyramids of huge images: one row per tiled image (its tiles are files in the image store).

use crowdbox_core::tiles::{TileFormat, TilePyramid};

use super::sql::{Conn, DbError};
use super::write_tx::WriteTx;
use super::Store;
use crate::params;

/// Records the pyramids of new images: (image id, its pyramid).
pub fn insert_pyramids(conn: &mut Conn, pyramids: &[(i64, TilePyramid)]) -> Result<(), DbError> {
    conn.insert_rows(
        "tile_pyramids (image_id, tile_size, levels, width, height, format)",
        pyramids.iter().map(|(id, pyramid)| {
            params![
                *id,
                pyramid.tile_size,
                pyramid.levels,
                pyramid.width,
                pyramid.height,
                format_name(pyramid.format)
            ]
            .to_vec()
        }),
    )
}

/// The image's pyramid and its tiles' folder in the store, if it has one.
pub async fn pyramid_of(
    store: &Store,
    image_id: i64,
) -> Result<Option<(TilePyramid, String)>, DbError> {
    let row: Option<(u32, u32, u32, String)> = store.connect().await?.row(
        "SELECT p.tile_size, p.width, p.height, i.sha256 FROM tile_pyramids p
         JOIN images i ON i.id = p.image_id WHERE p.image_id = ?1",
        params![image_id],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
    )?;
    Ok(row.and_then(|(tile_size, width, height, sha256)| {
        let pyramid = TilePyramid::new(width, height, tile_size, TileFormat::Jpeg).ok()?;
        Some((pyramid, sha256))
    }))
}

fn format_name(format: TileFormat) -> &'static str {
    match format {
        TileFormat::Jpeg => "jpeg",
    }
}

impl WriteTx<'_> {
    /// The image's pyramid, if it has one (sent with its task).
    pub fn tile_pyramid(&mut self, image_id: i64) -> Result<Option<TilePyramid>, DbError> {
        let row: Option<(u32, u32, u32)> = self.conn.row(
            "SELECT tile_size, width, height FROM tile_pyramids WHERE image_id = ?1",
            params![image_id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?;
        Ok(row.and_then(|(tile_size, width, height)| {
            TilePyramid::new(width, height, tile_size, TileFormat::Jpeg).ok()
        }))
    }
}
