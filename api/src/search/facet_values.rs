//! Each segment's facet values as plain arrays, read once from the index's columns and kept
//! while the segment is searched. Counting a facet over the 32,000 matches of "Deutschkurs"
//! then costs two array reads per match, where reading the column (through its index of
//! optional and multi-valued entries) took a quarter of the search. Segments never change,
//! so the arrays never go stale; they are dropped once their segment has left the index (a
//! merge or a rebuild replaced it).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{DocId, SegmentReader};

use crate::search::Facet;

/// One facet's values in one segment.
pub struct SegmentFacet {
    /// The term ordinal of each value, documents in order.
    ords: Vec<u32>,
    /// Where each document's values start in `ords`, with one more entry at the end.
    starts: Vec<u32>,
    /// The value of each term ordinal.
    values: Vec<String>,
}

impl SegmentFacet {
    fn read(column: &StrColumn, max_doc: DocId) -> Self {
        let mut ords = Vec::new();
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        for doc in 0..max_doc {
            starts.push(u32::try_from(ords.len()).unwrap_or(u32::MAX));
            ords.extend(
                column
                    .term_ords(doc)
                    .filter_map(|ord| u32::try_from(ord).ok()),
            );
        }
        starts.push(u32::try_from(ords.len()).unwrap_or(u32::MAX));
        let mut values = Vec::new();
        let mut value = String::new();
        for ord in 0..column.num_terms() as u64 {
            value.clear();
            if !column.ord_to_str(ord, &mut value).unwrap_or(false) {
                value.clear();
            }
            values.push(value.clone());
        }
        Self {
            ords,
            starts,
            values,
        }
    }

    /// The term ordinals of a document's values.
    #[inline]
    pub fn ords_of(&self, doc: DocId) -> &[u32] {
        let doc = doc as usize;
        match (self.starts.get(doc), self.starts.get(doc + 1)) {
            (Some(&start), Some(&end)) => {
                self.ords.get(start as usize..end as usize).unwrap_or(&[])
            }
            _ => &[],
        }
    }

    /// How many distinct values the segment holds.
    pub fn num_values(&self) -> usize {
        self.values.len()
    }

    /// The value of a term ordinal.
    pub fn value(&self, ord: usize) -> Option<&str> {
        self.values.get(ord).map(String::as_str)
    }
}

/// The facet arrays of the segments being searched.
#[derive(Default)]
pub struct FacetValues {
    held: Mutex<HashMap<(SegmentId, Facet), Arc<SegmentFacet>>>,
}

impl FacetValues {
    /// A facet's values in a segment, read on first use (`None`: no document has one).
    pub fn of(
        &self,
        segment: &SegmentReader,
        facet: Facet,
    ) -> tantivy::Result<Option<Arc<SegmentFacet>>> {
        let key = (segment.segment_id(), facet);
        if let Some(held) = self.lock().get(&key) {
            return Ok(Some(held.clone()));
        }
        // Read outside the lock: two searches meeting a new segment at once both read it,
        // and neither waits for the other.
        let Some(column) = segment.fast_fields().str(facet.field())? else {
            return Ok(None);
        };
        let read = Arc::new(SegmentFacet::read(&column, segment.max_doc()));
        self.lock().insert(key, read.clone());
        Ok(Some(read))
    }

    /// Forgets the arrays of segments no longer searched.
    pub fn keep_only(&self, searched: &HashSet<SegmentId>) {
        self.lock()
            .retain(|(segment, _), _| searched.contains(segment));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(SegmentId, Facet), Arc<SegmentFacet>>> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
