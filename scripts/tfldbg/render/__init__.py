"""Layer 4, render: reports and overlays as text tables, CSV, Markdown, HTML/SVG
and Model Explorer node data. Depends on analysis."""
