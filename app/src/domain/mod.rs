//! Domain types. They parse untrusted input into values that are valid by construction, and
//! compile for the browser too, so forms check input with the same rules as the server.

mod account;
mod autosave;
mod common_passwords;
mod contact;
mod desk;
mod image;
mod moderation;
mod old_address;
mod page;
mod post;
mod publication;
mod revision;
mod search;
mod series;
mod site_page;
mod subscriber;
mod tags;
mod team;
mod theme;
mod user;

#[cfg(feature = "ssr")]
pub use account::SessionDevice;
pub use account::{
    AccountEmail, CurrentUser, Email, EmailVerification, Password, SessionView, TwoFactor,
    TwoFactorPanel, UserListing, UserName, ALREADY_REGISTERED, LINK_DEAD, LINK_SENT, NEEDS_MAIL,
};
pub use autosave::{parse_base_revision, AutosavedText, EditorText};
pub use contact::{parse_message, parse_phone, AboutView, MessageView, UnsentMail};
pub use desk::{Desk, DeskPost};
pub use image::{
    image_markdown, image_path, is_image_path, parse_image_name, ImageKind, UploadProblem,
    IMAGE_MAX_BYTES, IMAGE_PATH_PREFIX,
};
pub use moderation::{
    filled_honeypot, CommentStatus, ModerationAction, ModerationQueue, QueuedComment,
    HONEYPOT_FIELD,
};
pub use old_address::OldAddress;
pub use page::PageNumber;
pub use post::{
    author_href, check_body_length, parse_body, parse_coauthor_emails, parse_comment,
    parse_cover_url, parse_subtitle, reading_time, Author, AuthorPosts, Avatar, BodyFormat,
    CommentView, PostDraft, PostPage, PostSummary, PostTitle, PostView, Slug, BODY_MAX_CHARS,
};
pub use publication::{
    format_publish_at, format_saved_at, parse_publish_at, PostStatus, Publication,
};
pub use revision::{RevisionFields, RevisionList, RevisionSummary, RevisionView};
pub use search::{
    encode_query_value, marked_html, SearchHit, SearchPage, SearchQuery, MATCH_END, MATCH_START,
};
pub use series::{parse_series, PartLink, SeriesChoice, SeriesNav, SeriesPage, MAX_PART};
pub use site_page::{NavLink, PageDraft, PageListing, SitePage};
pub use subscriber::{
    mask_email, SubscribeOffer, SubscriberListing, SubscriberRow, SubscriberStatus,
    UnsubscribeView, SUBSCRIBERS_PER_PAGE, SUBSCRIBE_SENT,
};
pub use tags::{is_tag_slug, parse_tags, tags_field, Tag, TaggedPosts};
pub use team::{InviteListing, InviteSent, InviteView, INVITE_DAYS, INVITE_GONE, INVITE_USED};
pub use theme::{Theme, THEME_COOKIE};
#[cfg(feature = "ssr")]
pub use user::SessionUser;
pub use user::{may_change_post, Capability, PostOwnership, Role};
