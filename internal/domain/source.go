package domain

// Source says where a fact comes from: the document's file name, the heading
// the fact sits under, and the slide number where the document gives one.
type Source struct {
	Document string `json:"document"`
	Section  string `json:"section"`
	Slide    *int   `json:"slide,omitempty"`
	Note     string `json:"note,omitempty"`
}
