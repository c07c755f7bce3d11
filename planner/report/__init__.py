"""The build report and the comparison report: HTML laid out and printed to PDF with QtGui."""
