"""Reports: the figures of ``encounters insights`` as a document to keep or share (core layer).

``report.html.render_html`` draws one standalone HTML page; the CLI in ``cli/report_commands.py``
only gathers the figures, calls it and writes the file.
"""
