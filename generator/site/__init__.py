"""The site: plan the pages, render them with the theme, check the links, write them."""
