//! Tile pyramids of huge images: one row per tiled image (its tiles are files in the image store).

use crowdbox_core::tiles::{TileFormat, TilePyramid};

use std::collections::HashMap;

use super::sql::{numbered, Conn, DbError, Param};
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
    /// The pyramids of those of `images` that have one (sent with their tasks), in one statement.
    pub fn tile_pyramids(&mut self, images: &[i64]) -> Result<HashMap<i64, TilePyramid>, DbError> {
        if images.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT image_id, tile_size, width, height FROM tile_pyramids WHERE image_id IN ({})",
            numbered(images.len())
        );
        let ids: Vec<Param<'_>> = images.iter().map(|id| Param::from(*id)).collect();
        let rows: Vec<(i64, u32, u32, u32)> = self.conn.rows(&sql, &ids, |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?;
        Ok(rows
            .into_iter()
            .filter_map(|(image_id, tile_size, width, height)| {
                let pyramid = TilePyramid::new(width, height, tile_size, TileFormat::Jpeg).ok()?;
                Some((image_id, pyramid))
            })
            .collect())
    }
}
