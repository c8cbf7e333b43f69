"""check_homework.py's pieces: `probe` runs inside the child process with the student's code,
`runner` starts and watches that process, `rules` holds the scripted losses of the stopping
check, `diagnose` turns the child's records into findings, `compare` sets part 3's numbers
beside the key's and the measured slips, and `report` words it all."""
