//! What `crowdbox stats` reads besides the job's rows ([`super::bulk`]).

use super::sql::{Conn, DbError};
use crate::params;

/// The ids of the job's done images.
pub fn done_images(conn: &mut Conn, job_id: i64) -> Result<Vec<i64>, DbError> {
    conn.column(
        "SELECT id FROM images WHERE job_id = ?1 AND done = 1",
        params![job_id],
    )
}
