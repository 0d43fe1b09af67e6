package search

// FoldRune is foldRune, for the test that holds Fold's ASCII shortcut to it.
var FoldRune = foldRune
