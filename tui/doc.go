// Package tui is initscope's interactive app: pick a network, train it in
// the background, and watch every layer's statistics live (Glorot & Bengio
// 2010's figures, redrawn ten times a second in the terminal).
package tui
