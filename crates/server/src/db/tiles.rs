//! Tile pyramids of huge images: one row per tiled image (its tiles are files in the image store).

use crowdbox_core::tiles::{TileFormat, TilePyramid};
use rusqlite::OptionalExtension;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::write_tx::WriteTx;
use super::Store;

/// Rows per multi-row INSERT (6 values a row, well under SQLite's 32,766 bound values).
const CHUNK: usize = 500;

/// Records the pyramids of new images: (image id, its pyramid).
pub async fn insert_pyramids(
    conn: &mut SqliteConnection,
    pyramids: &[(i64, TilePyramid)],
) -> Result<(), sqlx::Error> {
    for chunk in pyramids.chunks(CHUNK) {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO tile_pyramids (image_id, tile_size, levels, width, height, format) ",
        );
        insert.push_values(chunk, |mut row, (id, pyramid)| {
            row.push_bind(*id)
                .push_bind(pyramid.tile_size)
                .push_bind(pyramid.levels)
                .push_bind(pyramid.width)
                .push_bind(pyramid.height)
                .push_bind(format_name(pyramid.format));
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The image's pyramid and its tiles' folder in the store, if it has one.
pub async fn pyramid_of(
    store: &Store,
    image_id: i64,
) -> Result<Option<(TilePyramid, String)>, sqlx::Error> {
    let row: Option<(u32, u32, u32, String)> = sqlx::query_as(
        "SELECT p.tile_size, p.width, p.height, i.sha256 FROM tile_pyramids p
         JOIN images i ON i.id = p.image_id WHERE p.image_id = $1",
    )
    .bind(image_id)
    .fetch_optional(store.pool())
    .await?;
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
    pub fn tile_pyramid(&self, image_id: i64) -> rusqlite::Result<Option<TilePyramid>> {
        let row: Option<(u32, u32, u32)> = self
            .conn
            .prepare_cached(
                "SELECT tile_size, width, height FROM tile_pyramids WHERE image_id = ?1",
            )?
            .query_row([image_id], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .optional()?;
        Ok(row.and_then(|(tile_size, width, height)| {
            TilePyramid::new(width, height, tile_size, TileFormat::Jpeg).ok()
        }))
    }
}
