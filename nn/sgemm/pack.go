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
func transposeGo(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	for r := 0; r < rows; r++ {
		row := src[r*lds : r*lds+cols]
		d := dst[r:]
		for c, v := range row {
			d[c*ldd] = v
		}
	}
}

func copyPanelGo(dst []float32, nr int, src []float32, lds, rows int) {
	for p := 0; p < rows; p++ {
		copy(dst[p*nr:p*nr+nr], src[p*lds:p*lds+nr])
	}
}
