//! Browser tests: Debian's headless Chromium at 390×844 against the real
//! server. They need the site built (`scripts/build.sh`) and chromedriver.

mod a11y;
mod abuse;
mod course;
mod device;
mod intake;
mod integrations;
mod kiosk;
mod landing;
mod limits;
mod offline;
mod slow;
mod staff;
mod upgrade;
mod wizard;
