//! Integration tests: the real server on a random port, the real binary.

mod accounts;
mod admin;
mod admin_api;
mod api;
mod browser;
mod cache;
mod catalog;
mod cli;
mod feedback;
mod feeds;
mod html;
mod live;
mod live_blogs;
mod mail;
mod media;
mod newsletters;
mod newsroom;
mod reader;
mod schedule;
mod search;
mod sitemaps;
mod structured;
mod support;
mod webhooks;
mod websub;
mod wire_desk;
