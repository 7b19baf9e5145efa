"""Building the 四个一 deliverables (``quanli build``): ``single`` builds one catalogue (check, view,
render, reuse, write), ``leaks`` is the last scan of a public build, ``workspace`` builds every
member of a workspace and the combined deliverables."""
