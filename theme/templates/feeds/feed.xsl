<?xml version="1.0" encoding="UTF-8"?>
{#- Shows an Atom or RSS feed of the portal as a web page in a browser (XSLT 1.0).
    Rendered once per site language by the feeds plugin: feeds/feed.xsl, feeds/feed.<lang>.xsl. -#}
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:variable name="title" select="/atom:feed/atom:title | /rss/channel/title"/>
  <xsl:variable name="subtitle" select="/atom:feed/atom:subtitle | /rss/channel/description"/>
  <xsl:variable name="self" select="/atom:feed/atom:link[@rel='self']/@href | /rss/channel/atom:link[@rel='self']/@href"/>
  <xsl:variable name="home" select="/atom:feed/atom:link[@rel='alternate']/@href | /rss/channel/link"/>
  <xsl:variable name="current" select="/atom:feed/atom:link[@rel='current']/@href | /rss/channel/atom:link[@rel='current']/@href"/>
  <xsl:variable name="older" select="/atom:feed/atom:link[@rel='prev-archive']/@href | /rss/channel/atom:link[@rel='prev-archive']/@href"/>
  <xsl:variable name="newer" select="/atom:feed/atom:link[@rel='next-archive']/@href | /rss/channel/atom:link[@rel='next-archive']/@href"/>

  <xsl:template match="/">
    <html lang="{{ page_lang }}">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> ({{ _("web feed") }})</title>
        <link rel="icon" href="{{ feeds_site_path }}/theme/img/favicon.svg" type="image/svg+xml"/>
        <link rel="stylesheet" href="{{ feeds_site_path }}/theme/css/portal.css"/>
        <link rel="stylesheet" href="{{ feeds_site_path }}/theme/feeds/feed.css"/>
      </head>
      <body>
        <main id="main-content" class="portal-main portal-feed">
          <aside class="portal-feed__about" aria-labelledby="about-feed">
            <h2 id="about-feed">{{ _("This is a web feed") }}</h2>
            <p>{{ _("A feed reader checks it for you and shows what is new. To subscribe, copy this address into your feed reader:") }}</p>
            <p><code class="portal-feed__address"><xsl:value-of select="$self"/></code></p>
            <p><a href="{{ feeds_site_path }}/{{ feeds_page_url }}">{{ _("All feeds and how to subscribe") }}</a></p>
          </aside>
          <h1 class="portal-title"><xsl:value-of select="$title"/></h1>
          <p><xsl:value-of select="$subtitle"/></p>
          <xsl:if test="$current">
            <p>{{ _("This is an archive page with older entries.") }} <a href="{$current}">{{ _("The current feed") }}</a></p>
          </xsl:if>
          <p><a href="{$home}">{{ _("Visit the website") }}</a></p>
          <xsl:apply-templates select="/atom:feed/atom:entry | /rss/channel/item"/>
          <xsl:if test="not(/atom:feed/atom:entry | /rss/channel/item)">
            <p>{{ _("No entries yet.") }}</p>
          </xsl:if>
          <xsl:if test="$older or $newer">
            <nav class="portal-pagination" aria-label="{{ _('Archive pages') }}">
              <ul class="portal-pagination__list">
                <xsl:if test="$newer"><li><a rel="next" href="{$newer}">{{ _("Newer entries") }}</a></li></xsl:if>
                <xsl:if test="$older"><li><a rel="prev" href="{$older}">{{ _("Older entries") }}</a></li></xsl:if>
              </ul>
            </nav>
          </xsl:if>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="atom:entry">
    <article class="portal-feed__entry">
      <h2><a href="{atom:link[@rel='alternate'][1]/@href}"><xsl:value-of select="atom:title"/></a></h2>
      <p class="portal-feed__date"><time datetime="{atom:published}"><xsl:value-of select="substring(atom:published, 1, 10)"/></time></p>
      <p><xsl:value-of select="atom:summary"/></p>
    </article>
  </xsl:template>

  <xsl:template match="item">
    <article class="portal-feed__entry">
      <h2><a href="{link}"><xsl:value-of select="title"/></a></h2>
      <p class="portal-feed__date"><xsl:value-of select="pubDate"/></p>
      <p><xsl:value-of select="description"/></p>
    </article>
  </xsl:template>
</xsl:stylesheet>
