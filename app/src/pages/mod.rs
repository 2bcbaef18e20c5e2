pub mod intake;
pub mod landing;
pub mod not_found;
pub mod staff;
