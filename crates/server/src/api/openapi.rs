//! `GET /api/openapi.json`: the OpenAPI 3 document of the whole API. Each handler carries its own
//! `#[utoipa::path]`, and the routers are built from those (`utoipa_axum::routes!`), so the document lists exactly
//! the routes the server has; the schemas are the wire types of `crowdbox_core` (feature `openapi`).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "crowdbox API",
        description = "Volunteers lease tasks and submit boxes; the job owner creates jobs, uploads images, follows \
                       progress, reviews answers and exports datasets. Every error body is `ErrorBody`.",
    ),
    servers((url = "/api", description = "This server")),
    tags(
        (name = "volunteer", description = "What the worker app calls: job info, batches, submissions, images"),
        (name = "owner", description = "The job owner's routes; they need `Authorization: Bearer <owner token>`"),
    ),
    modifiers(&AuthSchemes),
)]
pub struct ApiDoc;

/// The two bearer tokens: the owner token, and the invite tokens of invite-only jobs.
struct AuthSchemes;

impl Modify for AuthSchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, description) in [
            (
                "owner_token",
                "The server's owner token (`crowdbox serve` prints where it comes from).",
            ),
            (
                "invite",
                "An invite token of an invite-only job (`crowdbox invite create`).",
            ),
        ] {
            components.add_security_scheme(
                name,
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some(description))
                        .build(),
                ),
            );
        }
    }
}
