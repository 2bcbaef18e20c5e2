//! The pages. The browser gets two bundles: the client's (landing and
//! intake) and the clinic's (staff), so a phone never downloads the staff
//! screens. The server renders every page.

#[cfg(not(feature = "staff-bundle"))]
pub mod intake;
#[cfg(not(feature = "staff-bundle"))]
pub mod landing;
pub mod not_found;
#[cfg(any(not(feature = "hydrate"), feature = "staff-bundle"))]
pub mod staff;
