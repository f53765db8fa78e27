"""After grading: the feedback files, the LMS exports and the class report, read from the gradebook."""
