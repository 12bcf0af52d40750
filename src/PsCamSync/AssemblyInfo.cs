// The cmdlets land here (one sealed VerbNounCommand per file).
