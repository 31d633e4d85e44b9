package sgemm

// Packed layouts (what the micro-kernels read):
//
//	A block, mc x kc: micro-panel q holds rows q*MR .. q*MR+MR-1; inside it,
//	  for each p, the MR values op(A)[i][p] are contiguous: ap[q*MR*kc + p*MR + i].
//	B block, kc x nc: micro-panel q holds columns q*NR .. q*NR+NR-1; inside it,
//	  for each p, the NR values op(B)[p][j] are contiguous: bp[q*NR*kc + p*NR + j].
//
// Rows (columns) past the edge of the matrix are zero so that the kernel can
// always run full tiles; the driver discards them.

// packA packs op(A)[i0:i0+mc, p0:p0+kc] into dst.
func packA(kn *kernel, dst []float32, transA bool, a []float32, lda, i0, mc, p0, kc int) {
	mr := kn.mr
	for ir := 0; ir < mc; ir += mr {
		mrv := min(mr, mc-ir)
		d := dst[ir*kc : (ir+mr)*kc]
		if transA {
			// op(A)[i][p] = a[p*lda+i]: each p is a contiguous run of rows.
			if mrv == mr {
				copyPanelGo(d, mr, a[p0*lda+i0+ir:], lda, kc)
				continue
			}
			for p := 0; p < kc; p++ {
				src := a[(p0+p)*lda+i0+ir:]
				src = src[:mrv]
				dp := d[p*mr : p*mr+mr]
				copy(dp, src)
				clear(dp[mrv:])
			}
			continue
		}
		// op(A)[i][p] = a[i*lda+p]: rows are contiguous in p, so this is a transpose.
		src := a[(i0+ir)*lda+p0:]
		kn.transpose(d, mr, src, lda, mrv, kc)
		if mrv < mr {
			for p := 0; p < kc; p++ {
				clear(d[p*mr+mrv : p*mr+mr])
			}
		}
	}
}

// packB packs op(B)[p0:p0+kc, j0:j0+nc] into dst.
func packB(kn *kernel, dst []float32, transB bool, b []float32, ldb, p0, kc, j0, nc int) {
	nr := kn.nr
	for jr := 0; jr < nc; jr += nr {
		nrv := min(nr, nc-jr)
		d := dst[jr*kc : (jr+nr)*kc]
		if !transB {
			// op(B)[p][j] = b[p*ldb+j]: each p is a contiguous run of columns.
			if nrv == nr {
				kn.copyPanel(d, nr, b[p0*ldb+j0+jr:], ldb, kc)
				continue
			}
			for p := 0; p < kc; p++ {
				src := b[(p0+p)*ldb+j0+jr:]
				src = src[:nrv]
				dp := d[p*nr : p*nr+nr]
				copy(dp, src)
				clear(dp[nrv:])
			}
			continue
		}
		// op(B)[p][j] = b[j*ldb+p]: a transpose.
		src := b[(j0+jr)*ldb+p0:]
		kn.transpose(d, nr, src, ldb, nrv, kc)
		if nrv < nr {
			for p := 0; p < kc; p++ {
				clear(d[p*nr+nrv : p*nr+nr])
			}
		}
	}
}

// transposeGo sets dst[c*ldd+r] = src[r*lds+c] for r < rows, c < cols.
// Packing a full micro-panel of 2 or 4 rows (ldd == rows, the generic
// kernel's) writes each destination row whole, reading the source rows side
// by side; other shapes go row by row.
func transposeGo(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	if rows == 0 || cols == 0 {
		return
	}
	switch {
	case rows == 4 && ldd == 4:
		s0, s1, s2, s3 := src[:cols], src[lds:lds+cols], src[2*lds:2*lds+cols], src[3*lds:3*lds+cols]
		s1, s2, s3 = s1[:len(s0)], s2[:len(s0)], s3[:len(s0)] // for bounds-check elimination
		dst = dst[:4*cols]
		for c, v := range s0 {
			d := (*[4]float32)(dst[4*c:])
			d[0], d[1], d[2], d[3] = v, s1[c], s2[c], s3[c]
		}
		return
	case rows == 2 && ldd == 2:
		s0, s1 := src[:cols], src[lds:lds+cols]
		s1 = s1[:len(s0)]
		dst = dst[:2*cols]
		for c, v := range s0 {
			d := (*[2]float32)(dst[2*c:])
			d[0], d[1] = v, s1[c]
		}
		return
	}
	for r := 0; r < rows; r++ {
		row := src[r*lds : r*lds+cols]
		d := dst[r:]
		for c, v := range row {
			d[c*ldd] = v
		}
	}
}

// copyPanelGo sets dst[p*nr+j] = src[p*lds+j] for p < rows, j < nr. The
// narrow panels of the generic kernel (2 and 4 floats) are moved element by
// element: a copy call per row would cost more than the row.
func copyPanelGo(dst []float32, nr int, src []float32, lds, rows int) {
	if rows == 0 {
		return
	}
	dst = dst[:rows*nr]
	src = src[:(rows-1)*lds+nr]
	switch nr {
	case 2:
		for p := 0; p < rows; p++ {
			d := (*[2]float32)(dst[2*p:])
			s := (*[2]float32)(src[p*lds:])
			d[0], d[1] = s[0], s[1]
		}
	case 4:
		for p := 0; p < rows; p++ {
			d := (*[4]float32)(dst[4*p:])
			s := (*[4]float32)(src[p*lds:])
			d[0], d[1], d[2], d[3] = s[0], s[1], s[2], s[3]
		}
	default:
		for p := 0; p < rows; p++ {
			copy(dst[p*nr:p*nr+nr], src[p*lds:p*lds+nr])
		}
	}
}
