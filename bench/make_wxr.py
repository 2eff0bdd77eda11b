#!/usr/bin/env python3
"""Writes a synthetic WordPress export (WXR 1.2) of N posts to OUT, as a
stream: 20 categories (some nested), 200 tags, 10 authors, posts of a few
paragraphs with links and a comment each, one in ten a draft. The words
are made up here.

    bench/make_wxr.py N OUT
"""
import random
import sys

WORDS = ("harbour council ferry market monsoon bridge school budget river "
         "station farmers court hospital festival museum tide election road "
         "water power rail league match village district minister report").split()


def para(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def main():
    posts, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(42)
    with open(out, "w", encoding="utf-8") as f:
        w = f.write
        w('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
          'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
          'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
          '<title>Bench Times</title>\n<link>https://bench.example</link>\n'
          '<wp:wxr_version>1.2</wp:wxr_version>\n'
          '<wp:base_site_url>https://bench.example</wp:base_site_url>\n'
          '<wp:base_blog_url>https://bench.example</wp:base_blog_url>\n')
        for a in range(10):
            w(f'<wp:author><wp:author_id>{a + 1}</wp:author_id><wp:author_login>writer{a}</wp:author_login>'
              f'<wp:author_display_name><![CDATA[Writer {a}]]></wp:author_display_name></wp:author>\n')
        for c in range(20):
            parent = f"section-{c % 5}" if c >= 5 else ""
            w(f'<wp:category><wp:term_id>{c + 1}</wp:term_id><wp:category_nicename>section-{c}</wp:category_nicename>'
              f'<wp:category_parent>{parent}</wp:category_parent><wp:cat_name><![CDATA[Section {c}]]></wp:cat_name></wp:category>\n')
        for t in range(200):
            w(f'<wp:tag><wp:term_id>{1000 + t}</wp:term_id><wp:tag_slug>topic-{t}</wp:tag_slug>'
              f'<wp:tag_name><![CDATA[Topic {t}]]></wp:tag_name></wp:tag>\n')
        for n in range(1, posts + 1):
            body = "\n\n".join(para(rng, rng.randint(25, 45)) for _ in range(4))
            body += f'\n\nMore in <a href="https://bench.example/2024/05/story-{max(1, n - 1)}/">the last story</a>.'
            status = "draft" if n % 10 == 0 else "publish"
            section = rng.randrange(20)
            w(f'<item><title>{para(rng, 8)[:-1]} {n}</title>'
              f'<link>https://bench.example/2024/05/story-{n}/</link>'
              f'<dc:creator>writer{n % 10}</dc:creator>'
              f'<guid isPermaLink="false">https://bench.example/?p={n}</guid>'
              f'<content:encoded><![CDATA[{body}]]></content:encoded>'
              f'<excerpt:encoded><![CDATA[{para(rng, 15)}]]></excerpt:encoded>'
              f'<wp:post_id>{n}</wp:post_id><wp:post_date_gmt>2024-05-{1 + n % 28:02} 10:{n % 60:02}:00</wp:post_date_gmt>'
              f'<wp:post_name>story-{n}</wp:post_name><wp:status>{status}</wp:status><wp:post_type>post</wp:post_type>'
              f'<category domain="category" nicename="section-{section}"><![CDATA[Section {section}]]></category>'
              f'<category domain="post_tag" nicename="topic-{n % 200}"><![CDATA[Topic {n % 200}]]></category>'
              f'<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author>Reader</wp:comment_author>'
              f'<wp:comment_content><![CDATA[{para(rng, 10)}]]></wp:comment_content>'
              f'<wp:comment_approved>1</wp:comment_approved></wp:comment></item>\n')
        w("</channel>\n</rss>\n")


main()
