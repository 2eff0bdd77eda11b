-- Each newsletter's look: a pair of theme templates (mail/issue.* for
-- 'standard', mail/issue-headlines.* for 'headlines').
-- Twin: ../sqlite/0014_newsletter_templates.sql.

alter table newsletters add column template text not null default 'standard'
    constraint newsletters_template_check check (template in ('standard', 'headlines'));
