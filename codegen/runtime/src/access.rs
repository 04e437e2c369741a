//! What may be done to an entity where a path reached it, as the type parameter of a
//! request handle.
//!
//! A handle type is shared by every path to its entity type, and the service may allow
//! different things on different paths: Microsoft Graph forbids deleting `/me/calendar`
//! but not `/me/calendars/{id}`, and an entity behind a navigation property without
//! containment is changed where it lives, not there. A generated handle that such
//! paths reach takes one of the markers below, and offers `update` only when it is
//! [`Updatable`] and `delete` only when it is [`Deletable`]:
//!
//! ```text
//! service.me().calendar().delete();            // does not compile
//! service.me().calendars().by_id("c").delete(); // compiles
//! ```

/// The entity may be updated where it was reached.
pub trait Updatable {}

/// The entity may be deleted where it was reached.
pub trait Deletable {}

/// Updated and deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ReadWrite;

/// Updated, not deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct UpdateOnly;

/// Deleted, not updated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DeleteOnly;

/// Only read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ReadOnly;

impl Updatable for ReadWrite {}
impl Deletable for ReadWrite {}
impl Updatable for UpdateOnly {}
impl Deletable for DeleteOnly {}
