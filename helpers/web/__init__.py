"""What runs in the reader's page: the players' and the static explorer's script and stylesheet
(``player.js``, ``explorer.js``, the code both share in ``common.js``, ``player.css``,
``explorer.css``) and :mod:`helpers.web.runtime`, which bundles them into one script and one
stylesheet (inline in a notebook, one static file per page in the book)."""
